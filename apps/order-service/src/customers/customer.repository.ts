import { Injectable } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, PagePosition, positionSql } from '../common/page-cursor';
import { Customer, CustomerStatus } from './customer.entity';

export interface CustomerPageRow {
  customer: Customer;
  position: PagePosition;
}

/** Customers of one client; another client's customer is indistinguishable from a missing one. */
@Injectable()
export class CustomerRepository {
  constructor(private readonly dataSource: DataSource) {}

  async get(clientId: string, customerId: string, manager: EntityManager = this.dataSource.manager): Promise<Customer> {
    const customer = await manager.findOneBy(Customer, { clientId, customerId });
    if (!customer) throw new DomainError('NOT_FOUND', `Customer ${customerId} does not exist`);
    return customer;
  }

  /** Newest first, keyset-paginated on (created_at, customer_id). */
  async findPage(clientId: string, status: CustomerStatus | undefined, limit: number, cursor?: string): Promise<CustomerPageRow[]> {
    const params: unknown[] = [clientId];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = ['client_id = $1'];
    if (status) where.push(`status = ${param(status)}`);
    if (cursor) {
      const after = decodeCursor(cursor);
      where.push(`(created_at, customer_id) < (${param(after.createdAt)}::timestamptz, ${param(after.id)})`);
    }
    const rows: { customer_id: string; position: string }[] = await this.dataSource.query(
      `SELECT customer_id, ${positionSql('created_at')} AS position FROM customer
        WHERE ${where.join(' AND ')} ORDER BY created_at DESC, customer_id DESC LIMIT ${param(limit + 1)}`,
      params,
    );
    const customers =
      rows.length === 0 ? [] : await this.dataSource.getRepository(Customer).findBy(rows.map((row) => ({ clientId, customerId: row.customer_id })));
    const byId = new Map(customers.map((customer) => [customer.customerId, customer]));
    return rows.flatMap((row) => {
      const customer = byId.get(row.customer_id);
      return customer ? [{ customer, position: { createdAt: row.position, id: row.customer_id } }] : [];
    });
  }
}
