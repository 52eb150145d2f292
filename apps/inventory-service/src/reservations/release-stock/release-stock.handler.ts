import { Injectable } from '@nestjs/common';
import { MessageEnvelope, ReleaseStockCommand, STOCK_RELEASED } from '@order-saga/contracts';
import { Outbox, originOf } from '@order-saga/shared/messaging';
import { EntityManager } from 'typeorm';

/**
 * One statement that releases the reservations `held` selects and locks (only ones still `reserved`):
 * their lines' stock goes back to `available`, summed per product, and they are marked released with
 * released_at $1 and release_reason $2. The product rows are locked in PostgreSQL's order of product_id,
 * the order ReserveStock locks them in, so a release and a reservation of the same products cannot
 * deadlock (an UPDATE alone locks rows in whatever order its plan meets them); `restocked` only updates
 * rows `locked` has already produced. Returns the released reservations.
 */
function releaseStatement(held: string): string {
  return `
  WITH held AS MATERIALIZED (${held}),
       freed AS (
         SELECT line.product_id, sum(line.quantity)::integer AS quantity
           FROM reservation_line line JOIN held USING (reservation_id)
          GROUP BY line.product_id
       ),
       locked AS MATERIALIZED (
         SELECT product_id FROM product WHERE product_id IN (SELECT product_id FROM freed) ORDER BY product_id FOR UPDATE
       ),
       restocked AS (
         UPDATE product
            SET available = product.available + freed.quantity, reserved = product.reserved - freed.quantity, updated_at = now()
           FROM freed JOIN locked USING (product_id)
          WHERE product.product_id = freed.product_id
       )
UPDATE reservation
   SET status = 'released', released_at = $1, release_reason = $2
  FROM held
 WHERE reservation.reservation_id = held.reservation_id
RETURNING reservation.reservation_id, reservation.order_id`;
}

/** The reservation $3, waiting for its lock: a concurrent release or confirmation goes first, then this one re-checks. */
const RELEASE_ONE = releaseStatement(`SELECT reservation_id FROM reservation WHERE reservation_id = $3 AND status = 'reserved' FOR UPDATE`);

/** Up to $3 reservations neither confirmed nor released by $1; ones another sweeper holds are skipped. */
const RELEASE_EXPIRED = releaseStatement(
  `SELECT reservation_id FROM reservation
    WHERE status = 'reserved' AND confirmed_at IS NULL AND expires_at <= $1
    ORDER BY expires_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
);

export interface ReleasedReservation {
  reservationId: string;
  orderId: string;
}

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

  /** Gives a held reservation's stock back; false when nothing was held. */
  async release(manager: EntityManager, reservationId: string, reason: string, now: Date): Promise<boolean> {
    return (await released(manager, RELEASE_ONE, [now, reason.slice(0, 200), reservationId])).length === 1;
  }

  /** Gives back the stock of up to `limit` unconfirmed reservations expired at `now` (the expiry sweep). */
  releaseExpired(manager: EntityManager, now: Date, limit: number): Promise<ReleasedReservation[]> {
    return released(manager, RELEASE_EXPIRED, [now, 'expired', limit]);
  }
}

async function released(manager: EntityManager, statement: string, parameters: unknown[]): Promise<ReleasedReservation[]> {
  // An UPDATE comes back from TypeORM as [rows, affected].
  const [rows] = (await manager.query(statement, parameters)) as [{ reservation_id: string; order_id: string }[], number];
  return rows.map((row) => ({ reservationId: row.reservation_id, orderId: row.order_id }));
}
