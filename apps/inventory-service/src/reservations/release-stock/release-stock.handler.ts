import { Injectable } from '@nestjs/common';
import { MessageEnvelope, ReleaseStockCommand, STOCK_RELEASED } from '@order-saga/contracts';
import { Outbox, originOf } from '@order-saga/shared/messaging';
import { EntityManager } from 'typeorm';
import { Reservation } from '../reservation.entity';

/**
 * Compensation: moves a reservation's stock back to `available`. Releasing twice changes nothing the
 * second time but still replies, so the saga can always move on.
 */
@Injectable()
export class ReleaseStockHandler {
  constructor(private readonly outbox: Outbox) {}

  async handle(envelope: MessageEnvelope<ReleaseStockCommand>, manager: EntityManager, now = new Date()): Promise<void> {
    const { orderId, reservationId, reason } = envelope.payload;
    await this.release(manager, reservationId, reason, now);
    await this.outbox.append(manager, STOCK_RELEASED, { orderId, reservationId }, originOf(envelope));
  }

  /** Gives a held reservation's stock back, under the reservation's row lock; false when nothing was held. */
  async release(manager: EntityManager, reservationId: string, reason: string, now: Date): Promise<boolean> {
    // `find`, not `findOne`: findOne's LIMIT with the eager lines costs TypeORM two queries (ids, then rows).
    const [reservation] = await manager.find(Reservation, {
      where: { reservationId },
      lock: { mode: 'pessimistic_write', tables: ['reservation'] },
    });
    if (reservation?.status !== 'reserved') return false;
    // Every line back in one statement. Its product row locks are taken first, in PostgreSQL's order of
    // product_id, the order ReserveStock locks them in, so a release and a reservation of the same
    // products cannot deadlock (an UPDATE alone locks rows in whatever order its plan meets them).
    await manager.query(
      `WITH locked AS MATERIALIZED (
         SELECT product_id FROM product WHERE product_id = ANY($1::text[]) ORDER BY product_id FOR UPDATE
       )
       UPDATE product
          SET available = product.available + line.quantity, reserved = product.reserved - line.quantity, updated_at = now()
         FROM unnest($1::text[], $2::integer[]) AS line (product_id, quantity)
         JOIN locked USING (product_id)
        WHERE product.product_id = line.product_id`,
      [reservation.lines.map((line) => line.productId), reservation.lines.map((line) => line.quantity)],
    );
    await manager.update(Reservation, { reservationId }, { status: 'released', releasedAt: now, releaseReason: reason.slice(0, 200) });
    return true;
  }
}
