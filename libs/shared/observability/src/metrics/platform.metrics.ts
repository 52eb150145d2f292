import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';

/*
 * Every metric of the platform, with the names and labels of the metrics contract in
 * docs/deployment.md (the PrometheusRule alerts on them). One process-wide prom-client registry:
 * code that records a metric imports it from here and needs no injection, so a saga or a consumer
 * stays constructible without Nest in its unit tests.
 */

let initialised: string | undefined;

/** Adds the `service` label to every series and turns on the default process metrics. Once per process. */
export function initMetrics(service: string): void {
  if (initialised) return;
  initialised = service;
  register.setDefaultLabels({ service });
  collectDefaultMetrics({ register });
}

export const metricsRegistry = register;

/** Seconds; covers the SLA thresholds (200 ms p95, 500 ms p99) with buckets on each side. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30];
const SAGA_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by route template, method and status (RED)',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: LATENCY_BUCKETS,
});

export type SagaOutcome = 'confirmed' | 'rejected' | 'compensated' | 'timed_out';

export const sagasStarted = new Counter({ name: 'order_saga_sagas_started_total', help: 'Sagas begun' });

export const sagasFinished = new Counter({
  name: 'order_saga_sagas_total',
  help: 'Sagas finished, by outcome',
  labelNames: ['outcome'] as const,
});

export const sagaDuration = new Histogram({
  name: 'order_saga_saga_duration_seconds',
  help: 'Saga start to outcome',
  labelNames: ['outcome'] as const,
  buckets: SAGA_BUCKETS,
});

export const outboxPublishLag = new Histogram({
  name: 'order_saga_outbox_publish_lag_seconds',
  help: 'Outbox message written to acknowledged by the broker',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
});

export const consumerLag = new Gauge({
  name: 'order_saga_consumer_lag',
  help: 'Messages behind the partition high watermark, as the consumer saw it after its last batch',
  labelNames: ['topic', 'partition'] as const,
});

export const messagesProcessed = new Counter({
  name: 'order_saga_messages_processed_total',
  help: 'Kafka messages by consumer and result (handled, duplicate, dead_lettered, redelivered)',
  labelNames: ['consumer', 'result'] as const,
});

export const deadLettered = new Counter({
  name: 'order_saga_dead_lettered_total',
  help: 'Messages parked in the dead-letter table/topic, by the topic they came from',
  labelNames: ['topic'] as const,
});

export type WebhookAttemptResult = 'success' | 'failure' | 'timeout';

export const webhookAttempts = new Counter({
  name: 'webhook_delivery_attempts_total',
  help: 'Webhook POSTs by result',
  labelNames: ['result'] as const,
});

export const webhookDuration = new Histogram({
  name: 'webhook_delivery_duration_seconds',
  help: 'Webhook POST latency by result',
  labelNames: ['result'] as const,
  buckets: LATENCY_BUCKETS,
});

export const rateLimitRejections = new Counter({
  name: 'order_saga_rate_limit_rejections_total',
  help: '429s from the gateway, by the route class whose limit refused the request',
  labelNames: ['limit'] as const,
});

/** Counts a saga's outcome and its duration from `startedAt`. */
export function recordSagaOutcome(outcome: SagaOutcome, startedAt: Date | undefined, now: Date = new Date()): void {
  sagasFinished.inc({ outcome });
  if (startedAt) sagaDuration.observe({ outcome }, Math.max(0, (now.getTime() - startedAt.getTime()) / 1000));
}

export function recordWebhookAttempt(result: WebhookAttemptResult, durationMs: number): void {
  webhookAttempts.inc({ result });
  webhookDuration.observe({ result }, durationMs / 1000);
}

/**
 * A gauge whose value is read when Prometheus scrapes, e.g. a row count, so it is right after a
 * restart and across replicas. A failed read reports nothing rather than a stale number.
 */
export function gaugeReadAtScrape(name: string, help: string, read: () => Promise<number>): void {
  register.removeSingleMetric(name);
  new Gauge({
    name,
    help,
    async collect() {
      try {
        this.set(await read());
      } catch {
        this.set(Number.NaN);
      }
    },
  });
}
