import { IsInt, IsUrl, Max, Min } from 'class-validator';
import { KafkaServiceConfig } from '@order-saga/shared/config';

export class OrderServiceConfig extends KafkaServiceConfig {
  override PORT: number = 3001;
  /** Consumers, the relay and HTTP requests share one pool; 20 instead of 10 measured faster under load (docs/performance.md). */
  override DATABASE_POOL_SIZE: number = 20;

  /** How long POST /orders waits for the saga's outcome before answering 202 with a Location to poll. */
  @IsInt()
  @Min(0)
  @Max(60_000)
  ORDER_OUTCOME_WAIT_MS: number = 8000;

  @IsInt()
  @Min(0)
  ESTIMATED_DELIVERY_DAYS: number = 5;

  /** Base of the URLs handed to clients (tracking_url, Location): the gateway's public address. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PUBLIC_BASE_URL: string = 'http://localhost:3000';

  /** How long the saga waits for a participant's reply (ReserveStock, ProcessPayment) before taking its failure path. */
  @IsInt()
  @Min(100)
  SAGA_STEP_TIMEOUT_MS: number = 30_000;

  /** How long a compensation (ReleaseStock, RefundPayment) waits for its reply before it is sent again. */
  @IsInt()
  @Min(100)
  SAGA_COMPENSATION_RETRY_MS: number = 10_000;

  /** How often each replica looks for sagas whose step deadline passed. */
  @IsInt()
  @Min(50)
  SAGA_SWEEP_INTERVAL_MS: number = 1000;
}
