import { Injectable } from '@nestjs/common';
import { ConfirmReservationCommand, MessageEnvelope } from '@order-saga/contracts';
import { PinoLogger } from 'nestjs-pino';
import { EntityManager } from 'typeorm';
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
    const reservation = await manager.findOne(Reservation, { where: { reservationId }, lock: { mode: 'pessimistic_write', tables: ['reservation'] } });
    if (!reservation) {
      this.logger.error({ order_id: orderId, reservation_id: reservationId }, 'confirmation for an unknown reservation');
      return;
    }
    if (reservation.status !== 'reserved') {
      // Only possible when a reservation outlived RESERVATION_TTL_SECONDS before payment: the order was
      // paid for stock that went back. Loud, because it needs a human (re-reserve or refund).
      this.logger.error({ order_id: orderId, reservation_id: reservationId, release_reason: reservation.releaseReason }, 'paid order whose reservation was already released');
      return;
    }
    if (reservation.confirmedAt === null) await manager.update(Reservation, { reservationId }, { confirmedAt: now });
  }
}
