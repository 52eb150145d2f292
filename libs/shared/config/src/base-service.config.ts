import { IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, Min } from 'class-validator';

/** Settings every service has. Each service's config class extends this one. */
export class BaseServiceConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** postgres://user:password@host:port/database of this service's own database. */
  @Matches(/^postgres(ql)?:\/\/.+\/[^/]+$/, { message: 'DATABASE_URL must be a postgres:// URL naming a database' })
  DATABASE_URL: string;

  @IsInt()
  @Min(1)
  DATABASE_POOL_SIZE: number = 10;
}

/** Settings of a service that talks to Kafka. */
export class KafkaServiceConfig extends BaseServiceConfig {
  /** Comma-separated host:port list. */
  @IsString()
  @IsNotEmpty()
  KAFKA_BROKERS: string;

  /** Backstop poll of the outbox when no NOTIFY arrives (e.g. a dropped listener connection). */
  @IsInt()
  @Min(50)
  OUTBOX_POLL_INTERVAL_MS: number = 1000;
}
