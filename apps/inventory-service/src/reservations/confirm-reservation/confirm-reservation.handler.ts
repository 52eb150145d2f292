import { Injectable } from '@nestjs/common';
import { ConfirmReservationCommand, MessageEnvelope } from '@order-saga/contracts';
import { PinoLogger } from 'nestjs-pino';
import { EntityManager, IsNull } from 'typeorm';
import { Reservation } from '../reservation.entity';

/**
 * The order was paid: its reservation is committed and the expiry sweeper must leave it alone. The stock
 * stays in `reserved` (held for fulfilment). Confirming twice is a no-op.
 */
@Injectable()
export class ConfirmReservationHandler {
  constructor(private readonly logger: PinoLogger) {}

  async handle(envelope: MessageEnvelope<ConfirmReservationCommand>, manager: EntityManager, now = new Date()): Promise<void> {
    const { orderId, reservationId } = envelope.payload;
    // One statement on the usual path. The UPDATE takes the row lock that serialises it with a release of
    // the same reservation, and re-checks `status` once it has the lock, so a released one is never confirmed.
    const { affected } = await manager.update(Reservation, { reservationId, status: 'reserved', confirmedAt: IsNull() }, { confirmedAt: now });
    if (affected === 1) return;

    // Nothing confirmed: already confirmed (a no-op), unknown, or released. Only the last two need saying.
    const reservation = await manager.findOne(Reservation, { where: { reservationId }, loadEagerRelations: false });
    if (!reservation) {
      this.logger.error({ order_id: orderId, reservation_id: reservationId }, 'confirmation for an unknown reservation');
      return;
    }
    if (reservation.status !== 'reserved') {
      // Only possible when a reservation outlived RESERVATION_TTL_SECONDS before payment: the order was
      // paid for stock that went back. Loud, because it needs a human (re-reserve or refund).
      this.logger.error({ order_id: orderId, reservation_id: reservationId, release_reason: reservation.releaseReason }, 'paid order whose reservation was already released');
    }
  }
}
