import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MessageEnvelope, PAYMENT_DECLINED, PAYMENT_SUCCEEDED, ProcessPaymentCommand } from '@order-saga/contracts';
import { Outbox, originOf } from '@order-saga/shared/messaging';
import { EntityManager } from 'typeorm';
import { PaymentProvider } from '../../provider/payment-provider';
import { PaymentStatus } from '../payment.entity';

/**
 * Whether this order was charged (or voided) before. It has to be read before the charge, so an
 * INSERT … ON CONFLICT cannot replace it without charging a re-sent command twice.
 */
const FIND = `SELECT payment_id, amount_cents, currency, status, decline_code, decline_message FROM payment WHERE order_id = $1`;
/** A concurrent ProcessPayment or RefundPayment of the order fails this on order_id's unique index; the retry reads its row. */
const INSERT = `
  INSERT INTO payment (payment_id, order_id, customer_id, amount_cents, currency, status, provider_reference, decline_code, decline_message)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

interface PaymentRow {
  payment_id: string;
  amount_cents: number;
  currency: 'USD';
  status: PaymentStatus;
  decline_code: string | null;
  decline_message: string | null;
}

/** Charges an order once and replies with the outcome; a repeated command gets the first outcome again. */
@Injectable()
export class ProcessPaymentHandler {
  constructor(
    private readonly outbox: Outbox,
    private readonly provider: PaymentProvider,
  ) {}

  async handle(envelope: MessageEnvelope<ProcessPaymentCommand>, manager: EntityManager): Promise<void> {
    const command = envelope.payload;
    let [payment] = (await manager.query(FIND, [command.orderId])) as PaymentRow[];
    if (!payment) {
      const result = await this.provider.charge(command);
      payment = {
        payment_id: randomUUID(),
        amount_cents: command.amountCents,
        currency: command.currency,
        status: result.approved ? 'succeeded' : 'declined',
        decline_code: result.approved ? null : result.declineCode,
        decline_message: result.approved ? null : result.message,
      };
      await manager.query(INSERT, [
        payment.payment_id,
        command.orderId,
        command.customerId,
        payment.amount_cents,
        payment.currency,
        payment.status,
        result.approved ? result.providerReference : null,
        payment.decline_code,
        payment.decline_message,
      ]);
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
