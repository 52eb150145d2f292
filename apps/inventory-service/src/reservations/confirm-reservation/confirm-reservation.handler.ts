import { Injectable } from '@nestjs/common';
import { ConfirmReservationCommand, MessageEnvelope, OrderCreatedEvent } from '@order-saga/contracts';
import { DeferredStatement, planEachTime } from '@order-saga/shared/database';
import { PinoLogger } from 'nestjs-pino';
import { EntityManager } from 'typeorm';

interface Confirmation {
  orderId: string;
  /** Named by a ConfirmReservation command; an OrderCreated event names only the order (which has one reservation). */
  reservationId: string | null;
  confirmedAt: Date;
}

/**
 * Every confirmation of a transaction (a consumer batch) in one statement, as a compare-and-set: the
 * UPDATE takes the row lock that serialises it with a release of the same reservation, and re-checks
 * `status` once it has the lock, so a released one is never confirmed. Returns the confirmations it did
 * not apply, with the reservation as the statement found it: none (unknown), released, already confirmed,
 * or still `reserved` and unconfirmed, which means released by a concurrent transaction meanwhile.
 * A reservation is found by its order (`order_id` is unique), and must also have the id a command names.
 */
const CONFIRM = planEachTime(`
  WITH confirmation AS (
         SELECT * FROM unnest($1::text[], $2::uuid[], $3::timestamptz[]) AS confirmation (order_id, reservation_id, confirmed_at)
       ),
       confirmed AS (
         UPDATE reservation SET confirmed_at = confirmation.confirmed_at
           FROM confirmation
          WHERE reservation.order_id = confirmation.order_id
            AND reservation.reservation_id = COALESCE(confirmation.reservation_id, reservation.reservation_id)
            AND reservation.status = 'reserved' AND reservation.confirmed_at IS NULL
         RETURNING reservation.order_id
       )
SELECT confirmation.order_id, COALESCE(reservation.reservation_id, confirmation.reservation_id) AS reservation_id,
       reservation.status, reservation.release_reason, reservation.confirmed_at IS NOT NULL AS was_confirmed
  FROM confirmation
  LEFT JOIN reservation
    ON reservation.order_id = confirmation.order_id AND reservation.reservation_id = COALESCE(confirmation.reservation_id, reservation.reservation_id)
 WHERE confirmation.order_id NOT IN (SELECT order_id FROM confirmed)`);
const STATUS = planEachTime(`SELECT order_id, status, release_reason FROM reservation WHERE order_id = ANY ($1::text[])`);

interface NotConfirmed {
  order_id: string;
  reservation_id: string | null;
  status: 'reserved' | 'released' | null;
  release_reason: string | null;
  was_confirmed: boolean | null;
}

/**
 * The order was paid: its reservation is committed and the expiry sweeper must leave it alone. The stock
 * stays in `reserved` (held for fulfilment). Confirming twice is a no-op. The confirmations of one
 * transaction are applied together just before it commits: nothing later in it reads them.
 *
 * Two messages say so: OrderCreated, which order-service publishes when the saga confirms the order,
 * and the ConfirmReservation command it sent before that event replaced it (still on the topic while
 * an older order-service runs, or from before an upgrade).
 */
@Injectable()
export class ConfirmReservationHandler {
  private readonly confirmAll = new DeferredStatement<Confirmation>((manager, confirmations) => this.confirm(manager, confirmations));

  constructor(private readonly logger: PinoLogger) {}

  async handle(envelope: MessageEnvelope<ConfirmReservationCommand>, manager: EntityManager, now = new Date()): Promise<void> {
    const { orderId, reservationId } = envelope.payload;
    await this.confirmAll.add(manager, { orderId, reservationId, confirmedAt: now });
  }

  async handleOrderCreated(envelope: MessageEnvelope<OrderCreatedEvent>, manager: EntityManager, now = new Date()): Promise<void> {
    await this.confirmAll.add(manager, { orderId: envelope.payload.orderId, reservationId: null, confirmedAt: now });
  }

  private async confirm(manager: EntityManager, confirmations: Confirmation[]): Promise<void> {
    const unconfirmed: NotConfirmed[] = await manager.query(CONFIRM, [
      confirmations.map((confirmation) => confirmation.orderId),
      confirmations.map((confirmation) => confirmation.reservationId),
      confirmations.map((confirmation) => confirmation.confirmedAt),
    ]);
    // Found reserved and unconfirmed, yet not confirmed: a concurrent transaction released (or confirmed) it
    // after the statement's snapshot. Rare; a fresh read tells which.
    const raced = unconfirmed.filter((reservation) => reservation.status === 'reserved' && !reservation.was_confirmed);
    const reread = new Map<string, Pick<NotConfirmed, 'status' | 'release_reason'>>();
    if (raced.length > 0) {
      const rows: { order_id: string; status: 'reserved' | 'released'; release_reason: string | null }[] = await manager.query(STATUS, [
        raced.map((reservation) => reservation.order_id),
      ]);
      for (const row of rows) reread.set(row.order_id, row);
    }
    // Already confirmed is a no-op; unknown and released need saying.
    for (const found of unconfirmed) {
      const reservation = { ...found, ...reread.get(found.order_id) };
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
