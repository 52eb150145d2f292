import { IsInt, Min } from 'class-validator';
import { KafkaServiceConfig } from '@order-saga/shared/config';

export class InventoryServiceConfig extends KafkaServiceConfig {
  override PORT: number = 3002;

  /** A reservation not confirmed or released within this time is a leak candidate (swept by the reliability work). */
  @IsInt()
  @Min(1)
  RESERVATION_TTL_SECONDS: number = 900;
}
