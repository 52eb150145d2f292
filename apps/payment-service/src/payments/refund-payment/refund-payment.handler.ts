import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MessageEnvelope, PAYMENT_REFUNDED, RefundPaymentCommand } from '@order-saga/contracts';
import { Outbox, originOf } from '@order-saga/shared/messaging';
import { PinoLogger } from 'nestjs-pino';
import { EntityManager } from 'typeorm';
import { ChargeOutcomeRepository } from '../charge-outcome.repository';
import { PaymentStatus } from '../payment.entity';

/**
 * The whole refund in one statement. `found` locks the order's payment against a concurrent ProcessPayment
 * or RefundPayment (and, after waiting, sees its latest version); a succeeded one becomes refunded, and
 * with none a `voided` one ($4) is inserted. While a ProcessPayment holds its `pending` claim (its charge
 * in flight) that insert waits on order_id's unique index, then fails; MessageProcessor retries it, and the
 * retry refunds the charge.
 * Returns the payment as found (before the change), or nothing when there was none.
 */
const REFUND = `
  WITH found AS MATERIALIZED (
         SELECT payment_id, status, amount_cents, refunded_cents FROM payment WHERE order_id = $1 FOR UPDATE
       ),
       refunded AS (
         UPDATE payment SET status = 'refunded', refunded_cents = found.amount_cents, refunded_at = $2, refund_reason = $3
           FROM found
          WHERE payment.payment_id = found.payment_id AND found.status = 'succeeded'
       ),
       voided AS (
         INSERT INTO payment (payment_id, order_id, customer_id, amount_cents, currency, status, decline_code, decline_message, refunded_cents, refunded_at, refund_reason)
         SELECT $4, $1, 'unknown', 0, 'USD', 'voided', 'order_cancelled', $5, 0, $2, $3
          WHERE NOT EXISTS (SELECT FROM found)
       )
SELECT payment_id, status, amount_cents, refunded_cents FROM found`;

interface FoundPayment {
  payment_id: string;
  status: PaymentStatus;
  amount_cents: number;
  refunded_cents: number;
}

/**
 * Compensation of ProcessPayment, idempotent by order id: a succeeded payment is refunded once; an
 * order without a payment gets a `voided` one, so a ProcessPayment still in flight is declined rather
 * than charged after the saga gave up. Always replies, so the saga can finish its compensation.
 *
 * The sandbox provider has no refund call. A real provider's refund has to happen between locking the
 * payment and marking it refunded: it would split REFUND into the lock-and-read and the update.
 */
@Injectable()
export class RefundPaymentHandler {
  constructor(
    private readonly outbox: Outbox,
    private readonly logger: PinoLogger,
    private readonly outcomes: ChargeOutcomeRepository,
  ) {}

  async handle(envelope: MessageEnvelope<RefundPaymentCommand>, manager: EntityManager, now = new Date()): Promise<void> {
    const { orderId, reason } = envelope.payload;
    // A charge earlier in the same batch is refunded, not mistaken for a pending one.
    await this.outcomes.applyQueuedFor(manager, orderId);
    const voidedId = randomUUID();
    const [payment] = (await manager.query(REFUND, [
      orderId,
      now,
      reason,
      voidedId,
      `The order was cancelled before payment (${reason})`.slice(0, 200),
    ])) as FoundPayment[];
    let reply: { paymentId: string; outcome: 'refunded' | 'nothing_to_refund'; refundedCents: number };
    if (!payment) {
      reply = { paymentId: voidedId, outcome: 'nothing_to_refund', refundedCents: 0 };
    } else if (payment.status === 'succeeded') {
      this.logger.info({ order_id: orderId, payment_id: payment.payment_id, amount_cents: payment.amount_cents, reason }, 'payment refunded');
      reply = { paymentId: payment.payment_id, outcome: 'refunded', refundedCents: payment.amount_cents };
    } else if (payment.status === 'refunded') {
      reply = { paymentId: payment.payment_id, outcome: 'refunded', refundedCents: payment.refunded_cents };
    } else {
      reply = { paymentId: payment.payment_id, outcome: 'nothing_to_refund', refundedCents: 0 };
    }
    await this.outbox.append(manager, PAYMENT_REFUNDED, { orderId, ...reply }, originOf(envelope));
  }
}
