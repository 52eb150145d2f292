import { Injectable } from '@nestjs/common';
import { ConfirmReservationCommand, MessageEnvelope } from '@order-saga/contracts';
import { DeferredStatement, planEachTime } from '@order-saga/shared/database';
import { PinoLogger } from 'nestjs-pino';
import { EntityManager } from 'typeorm';

interface Confirmation {
  reservationId: string;
  orderId: string;
  confirmedAt: Date;
}

/**
 * Every confirmation of a transaction (a consumer batch) in one statement, as a compare-and-set: the
 * UPDATE takes the row lock that serialises it with a release of the same reservation, and re-checks
 * `status` once it has the lock, so a released one is never confirmed. Returns the confirmations it did
 * not apply, with the reservation as the statement found it: none (unknown), released, already confirmed,
 * or still `reserved` and unconfirmed, which means released by a concurrent transaction meanwhile.
 */
const CONFIRM = planEachTime(`
  WITH confirmation AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS confirmation (reservation_id, order_id, confirmed_at)
       ),
       confirmed AS (
         UPDATE reservation SET confirmed_at = confirmation.confirmed_at
           FROM confirmation
          WHERE reservation.reservation_id = confirmation.reservation_id AND reservation.status = 'reserved' AND reservation.confirmed_at IS NULL
         RETURNING reservation.reservation_id
       )
SELECT confirmation.reservation_id, confirmation.order_id, reservation.status, reservation.release_reason, reservation.confirmed_at IS NOT NULL AS was_confirmed
  FROM confirmation LEFT JOIN reservation USING (reservation_id)
 WHERE confirmation.reservation_id NOT IN (SELECT reservation_id FROM confirmed)`);
const STATUS = planEachTime(`SELECT reservation_id, status, release_reason FROM reservation WHERE reservation_id = ANY ($1::uuid[])`);

interface NotConfirmed {
  reservation_id: string;
  order_id: string;
  status: 'reserved' | 'released' | null;
  release_reason: string | null;
  was_confirmed: boolean | null;
}

/**
 * The order was paid: its reservation is committed and the expiry sweeper must leave it alone. The stock
 * stays in `reserved` (held for fulfilment). Confirming twice is a no-op. The confirmations of one
 * transaction are applied together just before it commits: nothing later in it reads them.
 */
@Injectable()
export class ConfirmReservationHandler {
  private readonly confirmAll = new DeferredStatement<Confirmation>((manager, confirmations) => this.confirm(manager, confirmations));

  constructor(private readonly logger: PinoLogger) {}

  async handle(envelope: MessageEnvelope<ConfirmReservationCommand>, manager: EntityManager, now = new Date()): Promise<void> {
    const { orderId, reservationId } = envelope.payload;
    await this.confirmAll.add(manager, { reservationId, orderId, confirmedAt: now });
  }

  private async confirm(manager: EntityManager, confirmations: Confirmation[]): Promise<void> {
    const unconfirmed: NotConfirmed[] = await manager.query(CONFIRM, [
      confirmations.map((confirmation) => confirmation.reservationId),
      confirmations.map((confirmation) => confirmation.orderId),
      confirmations.map((confirmation) => confirmation.confirmedAt),
    ]);
    // Found reserved and unconfirmed, yet not confirmed: a concurrent transaction released (or confirmed) it
    // after the statement's snapshot. Rare; a fresh read tells which.
    const raced = unconfirmed.filter((reservation) => reservation.status === 'reserved' && !reservation.was_confirmed);
    const reread = new Map<string, Pick<NotConfirmed, 'status' | 'release_reason'>>();
    if (raced.length > 0) {
      const rows: { reservation_id: string; status: 'reserved' | 'released'; release_reason: string | null }[] = await manager.query(STATUS, [
        raced.map((reservation) => reservation.reservation_id),
      ]);
      for (const row of rows) reread.set(row.reservation_id, row);
    }
    // Already confirmed is a no-op; unknown and released need saying.
    for (const found of unconfirmed) {
      const reservation = { ...found, ...reread.get(found.reservation_id) };
      const fields = { order_id: reservation.order_id, reservation_id: reservation.reservation_id };
      if (reservation.status === null) {
        this.logger.error(fields, 'confirmation for an unknown reservation');
      } else if (reservation.status !== 'reserved') {
        // Only possible when a reservation outlived RESERVATION_TTL_SECONDS before payment: the order was
        // paid for stock that went back. Loud, because it needs a human (re-reserve or refund).
        this.logger.error({ ...fields, release_reason: reservation.release_reason }, 'paid order whose reservation was already released');
      }
    }
  }
}
