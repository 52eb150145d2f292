import { IsInt, Min } from 'class-validator';
import { KafkaServiceConfig } from '@order-saga/shared/config';

export class PaymentServiceConfig extends KafkaServiceConfig {
  override PORT: number = 3003;

  /** The sandbox provider declines any single charge above this many cents (insufficient_funds). */
  @IsInt()
  @Min(0)
  SANDBOX_CHARGE_LIMIT_CENTS: number = 1_000_000;
}
