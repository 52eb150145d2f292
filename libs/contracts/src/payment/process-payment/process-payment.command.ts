import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { MoneyFields } from '../../common';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';

/** Charge the customer for the order. Idempotent by order id: one order is charged at most once. */
export class ProcessPaymentCommand extends MoneyFields {
  @IsString()
  @IsNotEmpty()
  orderId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  customerId: string;
}

export const PROCESS_PAYMENT = defineMessage('ProcessPayment', TOPICS.payment.processPaymentCommand, ProcessPaymentCommand);
