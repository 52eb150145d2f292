import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MessageEnvelope, PAYMENT_REFUNDED, RefundPaymentCommand } from '@order-saga/contracts';
import { Outbox, originOf } from '@order-saga/shared/messaging';
import { PinoLogger } from 'nestjs-pino';
import { EntityManager } from 'typeorm';
import { Payment } from '../payment.entity';

/**
 * Compensation of ProcessPayment, idempotent by order id: a succeeded payment is refunded once; an
 * order without a payment gets a `voided` one, so a ProcessPayment still in flight is declined rather
 * than charged after the saga gave up. Always replies, so the saga can finish its compensation.
 *
 * The sandbox provider has no refund call; a real provider's refund goes here, before the status change.
 */
@Injectable()
export class RefundPaymentHandler {
  constructor(
    private readonly outbox: Outbox,
    private readonly logger: PinoLogger,
  ) {}

  async handle(envelope: MessageEnvelope<RefundPaymentCommand>, manager: EntityManager, now = new Date()): Promise<void> {
    const { orderId, reason } = envelope.payload;
    // Locks the order's payment row against a concurrent ProcessPayment; with no row, the unique order_id
    // makes a racing insert fail, and MessageProcessor retries it, then it sees the other's row.
    const payment = await manager.findOne(Payment, { where: { orderId }, lock: { mode: 'pessimistic_write' } });
    let reply: { paymentId: string | null; outcome: 'refunded' | 'nothing_to_refund'; refundedCents: number };
    if (!payment) {
      const voided = manager.create(Payment, {
        paymentId: randomUUID(),
        orderId,
        customerId: 'unknown',
        amountCents: 0,
        currency: 'USD',
        status: 'voided',
        providerReference: null,
        declineCode: 'order_cancelled',
        declineMessage: `The order was cancelled before payment (${reason})`.slice(0, 200),
        refundedCents: 0,
        refundedAt: now,
        refundReason: reason,
      });
      // insert, not save: save SELECTs the row by its (new, known) primary key before inserting it.
      await manager.insert(Payment, voided);
      reply = { paymentId: voided.paymentId, outcome: 'nothing_to_refund', refundedCents: 0 };
    } else if (payment.status === 'succeeded') {
      await manager.update(Payment, { paymentId: payment.paymentId }, { status: 'refunded', refundedCents: payment.amountCents, refundedAt: now, refundReason: reason });
      this.logger.info({ order_id: orderId, payment_id: payment.paymentId, amount_cents: payment.amountCents, reason }, 'payment refunded');
      reply = { paymentId: payment.paymentId, outcome: 'refunded', refundedCents: payment.amountCents };
    } else if (payment.status === 'refunded') {
      reply = { paymentId: payment.paymentId, outcome: 'refunded', refundedCents: payment.refundedCents };
    } else {
      reply = { paymentId: payment.paymentId, outcome: 'nothing_to_refund', refundedCents: 0 };
    }
    await this.outbox.append(manager, PAYMENT_REFUNDED, { orderId, ...reply }, originOf(envelope));
  }
}
