import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';

/**
 * Give back whatever was charged for the order (a late charge after the saga gave up on payment).
 * Idempotent by order id: refunding twice, or an order that was never charged, changes nothing and
 * still gets a PaymentRefunded reply, so the saga can always finish its compensation.
 */
export class RefundPaymentCommand {
  @IsString()
  @IsNotEmpty()
  orderId: string;

  @IsString()
  @MaxLength(200)
  reason: string;
}

export const REFUND_PAYMENT = defineMessage('RefundPayment', TOPICS.payment.refundPaymentCommand, RefundPaymentCommand);
