import { IsIn, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, IsUrl, Max, Min, ValidateIf } from 'class-validator';
import { DatabaseConfig } from './database.config';

/**
 * Settings every service has: its database (DatabaseConfig), its port, log level, shutdown bounds and trace
 * exporter. Each service's config class extends this one; TypedConfigModule also registers the service's
 * instance under this class, so the shared libraries read these settings typed (LoggingModule, the
 * graceful shutdown, ObservabilityModule).
 */
export class BaseServiceConfig extends DatabaseConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** Bound on the graceful shutdown after SIGTERM; past it the process exits 1. Keep it below the orchestrator's grace period. */
  @IsInt()
  @Min(1000)
  SHUTDOWN_TIMEOUT_MS: number = 25_000;

  /** After SIGTERM, /health/ready answers 503 for this long before the HTTP server stops accepting. */
  @IsInt()
  @Min(0)
  SHUTDOWN_DRAIN_DELAY_MS: number = 0;

  /** Span exporter: none, otlp or file. Unset: otlp when OTEL_EXPORTER_OTLP_ENDPOINT is set, otherwise none. */
  @IsOptional()
  @IsIn(['none', 'otlp', 'file'])
  OTEL_TRACES_EXPORTER?: string;

  /** OTLP/HTTP collector base URL, e.g. http://otel-collector:4318 (spans go to /v1/traces). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** service.name of the spans; unset: the service's own name. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  OTEL_SERVICE_NAME?: string;

  /** JSON-lines file the spans are appended to when OTEL_TRACES_EXPORTER=file (tests, local debugging). */
  @ValidateIf((config: BaseServiceConfig) => config.OTEL_TRACES_EXPORTER === 'file')
  @IsString()
  @IsNotEmpty({ message: 'OTEL_TRACES_FILE is required when OTEL_TRACES_EXPORTER=file' })
  OTEL_TRACES_FILE?: string;

  /** Which traces an exporting service records: always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off or parentbased_traceidratio. Unset: parentbased_always_on. Without an exporter nothing is recorded whatever it says. */
  @IsOptional()
  @IsIn(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
  OTEL_TRACES_SAMPLER?: string;

  /** The share of traces the *traceidratio samplers record, from 0 to 1. Unset: 1. */
  @ValidateIf((config: BaseServiceConfig) => config.OTEL_TRACES_SAMPLER_ARG !== undefined && /traceidratio$/.test(config.OTEL_TRACES_SAMPLER ?? ''))
  @IsNumber({}, { message: 'OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (the share of traces recorded)' })
  @Min(0)
  @Max(1)
  OTEL_TRACES_SAMPLER_ARG?: number;
}

/** Settings of a service that talks to Kafka. The messaging library validates its own (MessagingConfig in @order-saga/shared/messaging). */
export class KafkaServiceConfig extends BaseServiceConfig {
  /** Comma-separated host:port list. */
  @IsString()
  @IsNotEmpty()
  KAFKA_BROKERS: string;

  /** Partitions the Kafka consumer works on at once (kafkajs partitionsConsumedConcurrently): 24 is every partition of the four topics a service consumes at most. */
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_CONSUMER_CONCURRENCY: number = 24;
}
