import { Injectable } from '@nestjs/common';
import { MessageEnvelope, MessageOrigin, PAYMENT_DECLINED, PAYMENT_REFUNDED, PAYMENT_SUCCEEDED, PROCESS_PAYMENT, REFUND_PAYMENT, TOPICS } from '@order-saga/contracts';
import { Outbox } from '@order-saga/shared/messaging';
import type { EntityManager } from 'typeorm';

/** The saga's only way to talk to payment-service. */
@Injectable()
export class PaymentProxy {
  static readonly processPaymentReplyTopic = TOPICS.payment.processPaymentReply;
  static readonly processPaymentReplies = [PAYMENT_SUCCEEDED, PAYMENT_DECLINED] as const;
  static readonly refundPaymentReplyTopic = TOPICS.payment.refundPaymentReply;
  static readonly refundPaymentReplies = [PAYMENT_REFUNDED] as const;

  constructor(private readonly outbox: Outbox) {}

  processPayment(manager: EntityManager, charge: { orderId: string; customerId: string; amountCents: number }, origin: MessageOrigin): Promise<MessageEnvelope> {
    return this.outbox.append(manager, PROCESS_PAYMENT, { ...charge, currency: 'USD' }, origin);
  }

  /** Compensation of ProcessPayment: refund whatever was charged for the order (idempotent by order id). */
  refundPayment(manager: EntityManager, orderId: string, reason: string, origin: MessageOrigin): Promise<MessageEnvelope> {
    return this.outbox.append(manager, REFUND_PAYMENT, { orderId, reason }, origin);
  }
}
