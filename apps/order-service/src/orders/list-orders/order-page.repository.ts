import { Injectable } from '@nestjs/common';
import type { OrderStatus } from '@order-saga/contracts';
import { DataSource, In } from 'typeorm';
import { decodeCursor, likePrefix, PagePosition, positionSql } from '../../common/page-cursor';
import { Order } from '../order.entity';

export interface OrderFilters {
  status?: OrderStatus;
  customerId?: string;
  /** Inclusive. */
  createdFrom?: Date;
  /** Exclusive, so that consecutive ranges never count an order twice. */
  createdTo?: Date;
  /** Prefix of the order id, the customer id or a product id on one of its lines; case-insensitive. */
  text?: string;
}

export interface OrderPageRow {
  order: Order;
  position: PagePosition;
}

/**
 * One client's orders, newest first, keyset-paginated on (created_at, order_id): a page is stable
 * while new orders arrive, unlike OFFSET, and every query uses a (client_id, …, created_at) index.
 */
@Injectable()
export class OrderPageRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findPage(clientId: string, filters: OrderFilters, limit: number, cursor?: string): Promise<OrderPageRow[]> {
    const params: unknown[] = [clientId];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = [`o.client_id = $1`];
    if (filters.status) where.push(`o.status = ${param(filters.status)}`);
    if (filters.customerId) where.push(`o.customer_id = ${param(filters.customerId)}`);
    if (filters.createdFrom) where.push(`o.created_at >= ${param(filters.createdFrom)}`);
    if (filters.createdTo) where.push(`o.created_at < ${param(filters.createdTo)}`);
    if (filters.text) {
      const prefix = param(likePrefix(filters.text));
      where.push(
        `(o.order_id ILIKE ${prefix} OR o.customer_id ILIKE ${prefix}` +
          ` OR EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = o.order_id AND l.product_id ILIKE ${prefix}))`,
      );
    }
    if (cursor) {
      const after = decodeCursor(cursor);
      where.push(`(o.created_at, o.order_id) < (${param(after.createdAt)}::timestamptz, ${param(after.id)})`);
    }
    const rows: { order_id: string; position: string }[] = await this.dataSource.query(
      `SELECT o.order_id, ${positionSql('o.created_at')} AS position
         FROM customer_order o
        WHERE ${where.join(' AND ')}
        ORDER BY o.created_at DESC, o.order_id DESC
        LIMIT ${param(limit + 1)}`,
      params,
    );
    if (rows.length === 0) return [];
    const orders = await this.dataSource.getRepository(Order).findBy({ orderId: In(rows.map((row) => row.order_id)) });
    const byId = new Map(orders.map((order) => [order.orderId, order]));
    // An order is never deleted, so every id of the page query loads; the filter only satisfies the types.
    return rows.flatMap((row) => {
      const order = byId.get(row.order_id);
      return order ? [{ order, position: { createdAt: row.position, id: row.order_id } }] : [];
    });
  }
}
