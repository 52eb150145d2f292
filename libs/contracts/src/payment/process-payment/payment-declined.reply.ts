import { IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';

export class PaymentDeclinedReply {
  @IsString()
  @IsNotEmpty()
  orderId: string;

  @IsUUID()
  paymentId: string;

  /** The provider's machine-readable decline code, e.g. `insufficient_funds`. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  declineCode: string;

  @IsString()
  @MaxLength(200)
  message: string;
}

export const PAYMENT_DECLINED = defineMessage('PaymentDeclined', TOPICS.payment.processPaymentReply, PaymentDeclinedReply);
