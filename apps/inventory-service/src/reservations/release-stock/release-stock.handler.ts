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
    // One UPDATE per product, in a fixed order like ReserveStock's locks, so a release and a reservation
    // cannot deadlock.
    for (const line of [...reservation.lines].sort((a, b) => a.productId.localeCompare(b.productId))) {
      await manager.query(`UPDATE product SET available = available + $2, reserved = reserved - $2, updated_at = now() WHERE product_id = $1`, [
        line.productId,
        line.quantity,
      ]);
    }
    await manager.update(Reservation, { reservationId }, { status: 'released', releasedAt: now, releaseReason: reason.slice(0, 200) });
    return true;
  }
}
