import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MessageEnvelope, PAYMENT_DECLINED, PAYMENT_SUCCEEDED, ProcessPaymentCommand } from '@order-saga/contracts';
import { Outbox, originOf } from '@order-saga/shared/messaging';
import { EntityManager } from 'typeorm';
import { PaymentProvider } from '../../provider/payment-provider';
import { Payment } from '../payment.entity';

/** Charges an order once and replies with the outcome; a repeated command gets the first outcome again. */
@Injectable()
export class ProcessPaymentHandler {
  constructor(
    private readonly outbox: Outbox,
    private readonly provider: PaymentProvider,
  ) {}

  async handle(envelope: MessageEnvelope<ProcessPaymentCommand>, manager: EntityManager): Promise<void> {
    const command = envelope.payload;
    // The one read: whether this order was charged (or voided) before. It has to come before the charge,
    // so an INSERT … ON CONFLICT cannot replace it without charging a re-sent command twice.
    let payment = await manager.findOne(Payment, { where: { orderId: command.orderId } });
    if (!payment) {
      const result = await this.provider.charge(command);
      payment = manager.create(Payment, {
        paymentId: randomUUID(),
        orderId: command.orderId,
        customerId: command.customerId,
        amountCents: command.amountCents,
        currency: command.currency,
        status: result.approved ? 'succeeded' : 'declined',
        providerReference: result.approved ? result.providerReference : null,
        declineCode: result.approved ? null : result.declineCode,
        declineMessage: result.approved ? null : result.message,
      });
      // insert, not save: save SELECTs the row by its (new, known) primary key before inserting it.
      await manager.insert(Payment, payment);
    }
    const origin = originOf(envelope);
    if (payment.status === 'succeeded') {
      await this.outbox.append(
        manager,
        PAYMENT_SUCCEEDED,
        { orderId: payment.orderId, paymentId: payment.paymentId, amountCents: payment.amountCents, currency: payment.currency },
        origin,
      );
    } else {
      await this.outbox.append(
        manager,
        PAYMENT_DECLINED,
        { orderId: payment.orderId, paymentId: payment.paymentId, declineCode: payment.declineCode ?? 'declined', message: payment.declineMessage ?? '' },
        origin,
      );
    }
  }
}
