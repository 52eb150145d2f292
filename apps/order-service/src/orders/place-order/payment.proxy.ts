import { MessageOrigin, PAYMENT_DECLINED, PAYMENT_REFUNDED, PAYMENT_SUCCEEDED, PROCESS_PAYMENT, REFUND_PAYMENT, TOPICS } from '@order-saga/contracts';
import type { OutgoingMessage } from '@order-saga/shared/messaging';

/** The saga's only way to talk to payment-service. */
export const PaymentProxy = {
  processPaymentReplyTopic: TOPICS.payment.processPaymentReply,
  processPaymentReplies: [PAYMENT_SUCCEEDED, PAYMENT_DECLINED] as const,
  refundPaymentReplyTopic: TOPICS.payment.refundPaymentReply,
  refundPaymentReplies: [PAYMENT_REFUNDED] as const,

  processPayment(charge: { orderId: string; customerId: string; amountCents: number }, origin: MessageOrigin): OutgoingMessage {
    return { definition: PROCESS_PAYMENT, payload: { ...charge, currency: 'USD' }, origin };
  },

  /** Compensation of ProcessPayment: refund whatever was charged for the order (idempotent by order id). */
  refundPayment(orderId: string, reason: string, origin: MessageOrigin): OutgoingMessage {
    return { definition: REFUND_PAYMENT, payload: { orderId, reason }, origin };
  },
};
