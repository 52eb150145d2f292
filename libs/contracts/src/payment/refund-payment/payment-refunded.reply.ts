import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Min } from 'class-validator';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';

/** What a RefundPayment did: `refunded` money back, or `nothing_to_refund` (never charged / declined). */
export class PaymentRefundedReply {
  @IsString()
  @IsNotEmpty()
  orderId: string;

  @IsOptional()
  @IsUUID()
  paymentId: string | null;

  @IsIn(['refunded', 'nothing_to_refund'])
  outcome: 'refunded' | 'nothing_to_refund';

  @IsInt()
  @Min(0)
  refundedCents: number;
}

export const PAYMENT_REFUNDED = defineMessage('PaymentRefunded', TOPICS.payment.refundPaymentReply, PaymentRefundedReply);
