import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MessageEnvelope, ReserveStockCommand, STOCK_RESERVATION_REJECTED, STOCK_RESERVED } from '@order-saga/contracts';
import { Outbox, originOf } from '@order-saga/shared/messaging';
import { EntityManager, In } from 'typeorm';
import { InventoryServiceConfig } from '../../config/inventory-service.config';
import { AllocatedLine, allocateStock } from '../../domain/stock-allocation';
import { catalogPriceMismatches } from '../../products/domain/catalog-price-check';
import { Product } from '../../products/product.entity';
import { ReservationLine } from '../reservation-line.entity';
import { Reservation } from '../reservation.entity';

/** Reserves all of an order's lines or none, and replies with the outcome through the outbox. */
@Injectable()
export class ReserveStockHandler {
  constructor(
    private readonly outbox: Outbox,
    private readonly config: InventoryServiceConfig,
  ) {}

  async handle(envelope: MessageEnvelope<ReserveStockCommand>, manager: EntityManager, now = new Date()): Promise<void> {
    const { orderId, items } = envelope.payload;
    const origin = originOf(envelope);

    // `find`, not `findOne`: findOne's LIMIT with the eager lines costs TypeORM two queries (ids, then rows).
    const [existing] = await manager.find(Reservation, { where: { orderId } });
    if (existing) {
      // A re-sent command (new message id, same order): answer with what was decided the first time.
      await this.outbox.append(manager, STOCK_RESERVED, reservedReply(existing), origin);
      return;
    }

    // Lock in a fixed order so two orders touching the same products cannot deadlock.
    const productIds = [...new Set(items.map((item) => item.productId))].sort();
    const products = await manager.find(Product, {
      where: { productId: In(productIds) },
      order: { productId: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });

    // A client-stated price that the catalog does not confirm is the client's error, whatever the stock.
    const priceMismatches = catalogPriceMismatches(items, products);
    if (priceMismatches.length > 0) {
      await this.outbox.append(manager, STOCK_RESERVATION_REJECTED, { orderId, reason: 'PRICE_MISMATCH', shortages: [], priceMismatches }, origin);
      return;
    }

    const allocation = allocateStock(items, products);
    if (!allocation.ok) {
      await this.outbox.append(manager, STOCK_RESERVATION_REJECTED, { orderId, reason: allocation.reason, shortages: allocation.shortages }, origin);
      return;
    }

    await moveToReserved(manager, allocation.lines);
    const reservationId = randomUUID();
    const reservation = manager.create(Reservation, {
      reservationId,
      orderId,
      status: 'reserved',
      totalCents: allocation.totalCents,
      expiresAt: new Date(now.getTime() + this.config.RESERVATION_TTL_SECONDS * 1000),
      releasedAt: null,
      lines: allocation.lines.map((line) => ({ reservationId, ...line })),
    });
    // insert, not save: save SELECTs each row by its (known) primary key before inserting it.
    await manager.insert(Reservation, reservation);
    await manager.insert(ReservationLine, reservation.lines);
    await this.outbox.append(manager, STOCK_RESERVED, reservedReply(reservation), origin);
  }
}

/**
 * Moves every allocated line from `available` to `reserved` in one statement. The rows are locked and the
 * allocation was made from them, so the guard cannot fail; if it ever did, the whole message rolls back.
 */
async function moveToReserved(manager: EntityManager, lines: AllocatedLine[]): Promise<void> {
  const [, moved] = (await manager.query(
    `UPDATE product
        SET available = product.available - line.quantity, reserved = product.reserved + line.quantity, updated_at = now()
       FROM unnest($1::text[], $2::integer[]) AS line (product_id, quantity)
      WHERE product.product_id = line.product_id AND product.available >= line.quantity`,
    [lines.map((line) => line.productId), lines.map((line) => line.quantity)],
  )) as [unknown, number];
  if (moved !== lines.length) throw new Error(`stock of ${lines.length - moved} product(s) changed under the reservation's row locks`);
}

function reservedReply(reservation: Reservation) {
  return {
    orderId: reservation.orderId,
    reservationId: reservation.reservationId,
    items: reservation.lines.map(({ productId, quantity, unitPriceCents }) => ({ productId, quantity, unitPriceCents })),
    totalCents: reservation.totalCents,
    currency: 'USD' as const,
  };
}
