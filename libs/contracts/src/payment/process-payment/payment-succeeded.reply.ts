import { IsNotEmpty, IsString, IsUUID } from 'class-validator';
import { MoneyFields } from '../../common';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';

export class PaymentSucceededReply extends MoneyFields {
  @IsString()
  @IsNotEmpty()
  orderId: string;

  @IsUUID()
  paymentId: string;
}

export const PAYMENT_SUCCEEDED = defineMessage('PaymentSucceeded', TOPICS.payment.processPaymentReply, PaymentSucceededReply);
