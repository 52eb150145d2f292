import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MessageEnvelope, PAYMENT_DECLINED, PAYMENT_SUCCEEDED, ProcessPaymentCommand } from '@order-saga/contracts';
import { Outbox, originOf } from '@order-saga/shared/messaging';
import { EntityManager } from 'typeorm';
import { PaymentProvider } from '../../provider/payment-provider';
import { ChargeOutcomeRepository } from '../charge-outcome.repository';
import { PaymentStatus } from '../payment.entity';

/**
 * Claims the order with a `pending` row before the charge, or returns the payment it already has. A
 * concurrent ProcessPayment or RefundPayment of the order waits on order_id's unique index until the
 * outcome is recorded and committed: no refund voids an order whose card is being charged, and concurrent
 * duplicates call the provider once. No row at all: another transaction committed the order's payment
 * after this statement began.
 */
const CLAIM = `
  WITH claimed AS (
         INSERT INTO payment (payment_id, order_id, customer_id, amount_cents, currency, status)
         VALUES ($1, $2, $3, $4, $5, 'pending')
         ON CONFLICT (order_id) DO NOTHING
         RETURNING payment_id, amount_cents, currency, status, decline_code, decline_message
       )
SELECT payment_id, amount_cents, currency, status, decline_code, decline_message FROM claimed
 UNION ALL
SELECT payment_id, amount_cents, currency, status, decline_code, decline_message FROM payment
 WHERE order_id = $2 AND NOT EXISTS (SELECT FROM claimed)`;

interface PaymentRow {
  payment_id: string;
  amount_cents: number;
  currency: 'USD';
  status: PaymentStatus;
  decline_code: string | null;
  decline_message: string | null;
}

/**
 * Charges an order once and replies with the outcome; a repeated command gets the first outcome again.
 * Two statements per command in a batch: the claim, and the outcome, written with the batch's others at
 * its commit (ChargeOutcomeRepository).
 */
@Injectable()
export class ProcessPaymentHandler {
  constructor(
    private readonly outbox: Outbox,
    private readonly provider: PaymentProvider,
    private readonly outcomes: ChargeOutcomeRepository,
  ) {}

  async handle(envelope: MessageEnvelope<ProcessPaymentCommand>, manager: EntityManager): Promise<void> {
    const command = envelope.payload;
    // A re-sent command in the same batch reads the outcome the first one queued, not its pending claim.
    await this.outcomes.applyQueuedFor(manager, command.orderId);
    let [payment] = (await manager.query(CLAIM, [randomUUID(), command.orderId, command.customerId, command.amountCents, command.currency])) as PaymentRow[];
    // Rolled back and retried by MessageProcessor; the retry reads the other transaction's payment.
    if (!payment) throw new Error(`the payment of order ${command.orderId} was committed by a concurrent transaction`);
    if (payment.status === 'pending') {
      const result = await this.provider.charge(command);
      payment = {
        ...payment,
        status: result.approved ? 'succeeded' : 'declined',
        decline_code: result.approved ? null : result.declineCode,
        decline_message: result.approved ? null : result.message,
      };
      await this.outcomes.record(manager, {
        paymentId: payment.payment_id,
        orderId: command.orderId,
        status: result.approved ? 'succeeded' : 'declined',
        providerReference: result.approved ? result.providerReference : null,
        declineCode: payment.decline_code,
        declineMessage: payment.decline_message,
      });
    }
    const origin = originOf(envelope);
    if (payment.status === 'succeeded') {
      await this.outbox.append(
        manager,
        PAYMENT_SUCCEEDED,
        { orderId: command.orderId, paymentId: payment.payment_id, amountCents: payment.amount_cents, currency: payment.currency },
        origin,
      );
    } else {
      await this.outbox.append(
        manager,
        PAYMENT_DECLINED,
        { orderId: command.orderId, paymentId: payment.payment_id, declineCode: payment.decline_code ?? 'declined', message: payment.decline_message ?? '' },
        origin,
      );
    }
  }
}
