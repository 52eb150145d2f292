import { Injectable } from '@nestjs/common';
import { ConfirmReservationCommand, MessageEnvelope } from '@order-saga/contracts';
import { PinoLogger } from 'nestjs-pino';
import { EntityManager } from 'typeorm';

/**
 * A compare-and-set: the UPDATE takes the row lock that serialises it with a release of the same
 * reservation, and re-checks `status` once it has the lock, so a released one is never confirmed.
 */
const CONFIRM = `UPDATE reservation SET confirmed_at = $2 WHERE reservation_id = $1 AND status = 'reserved' AND confirmed_at IS NULL`;
const STATUS = `SELECT status, release_reason FROM reservation WHERE reservation_id = $1`;

/**
 * The order was paid: its reservation is committed and the expiry sweeper must leave it alone. The stock
 * stays in `reserved` (held for fulfilment). Confirming twice is a no-op.
 */
@Injectable()
export class ConfirmReservationHandler {
  constructor(private readonly logger: PinoLogger) {}

  async handle(envelope: MessageEnvelope<ConfirmReservationCommand>, manager: EntityManager, now = new Date()): Promise<void> {
    const { orderId, reservationId } = envelope.payload;
    // An UPDATE comes back from TypeORM as [rows, affected].
    const [, confirmed] = (await manager.query(CONFIRM, [reservationId, now])) as [unknown, number];
    if (confirmed === 1) return;

    // Nothing confirmed: already confirmed (a no-op), unknown, or released. Only the last two need saying.
    const [reservation] = (await manager.query(STATUS, [reservationId])) as { status: string; release_reason: string | null }[];
    if (!reservation) {
      this.logger.error({ order_id: orderId, reservation_id: reservationId }, 'confirmation for an unknown reservation');
      return;
    }
    if (reservation.status !== 'reserved') {
      // Only possible when a reservation outlived RESERVATION_TTL_SECONDS before payment: the order was
      // paid for stock that went back. Loud, because it needs a human (re-reserve or refund).
      this.logger.error({ order_id: orderId, reservation_id: reservationId, release_reason: reservation.release_reason }, 'paid order whose reservation was already released');
    }
  }
}
