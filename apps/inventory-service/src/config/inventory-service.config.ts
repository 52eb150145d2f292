import { IsInt, Min } from 'class-validator';
import { KafkaServiceConfig } from '@order-saga/shared/config';

export class InventoryServiceConfig extends KafkaServiceConfig {
  override PORT: number = 3002;
  /** Consumers, the relay and HTTP requests share one pool; 20 instead of 10 measured faster under load (docs/performance.md). */
  override DATABASE_POOL_SIZE: number = 20;

  /** A reservation neither confirmed (order paid) nor released within this time is released by the expiry sweeper. */
  @IsInt()
  @Min(1)
  RESERVATION_TTL_SECONDS: number = 900;

  /** How often each replica looks for expired, unconfirmed reservations. */
  @IsInt()
  @Min(50)
  RESERVATION_SWEEP_INTERVAL_MS: number = 5000;
}
