import { IsInt, Max, Min, ValidateBy } from 'class-validator';
import { KafkaServiceConfig } from '@order-saga/shared/config';
import { parseRetrySchedule } from '../domain/retry-schedule';

// Numeric fields carry explicit `: number`: implicit conversion of env strings reads the annotation's
// design:type metadata, and an unannotated field would reject WEBHOOK_TIMEOUT_MS="5000" as not an integer.
export class NotificationServiceConfig extends KafkaServiceConfig {
  override PORT: number = 3004;

  /** The spec's success criterion is a 2xx within 30 seconds; a slower answer counts as a failed attempt. */
  @IsInt()
  @Min(100)
  @Max(300_000)
  WEBHOOK_TIMEOUT_MS: number = 30_000;

  /** Delay in seconds before each attempt; the spec's 5 attempts: immediately, 1 min, 5 min, 30 min, 2 h. */
  @ValidateBy({
    name: 'isRetrySchedule',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parses(value),
      defaultMessage: () => 'WEBHOOK_RETRY_SCHEDULE_SECONDS must be 1 to 20 comma-separated whole seconds, e.g. 0,60,300,1800,7200',
    },
  })
  WEBHOOK_RETRY_SCHEDULE_SECONDS: string = '0,60,300,1800,7200';

  /** Backstop for a missed NOTIFY, and what picks up retries when they fall due. */
  @IsInt()
  @Min(50)
  DELIVERY_POLL_INTERVAL_MS: number = 1000;

  /** Most webhook POSTs in flight at once in this process. */
  @IsInt()
  @Min(1)
  @Max(256)
  DELIVERY_CONCURRENCY: number = 8;
}

function parses(text: string): boolean {
  try {
    parseRetrySchedule(text);
    return true;
  } catch {
    return false;
  }
}
