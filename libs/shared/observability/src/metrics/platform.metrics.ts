import { defineCounter, defineGauge, defineHistogram, LATENCY_BUCKETS } from './metrics-registry';

/*
 * The metrics of what the shared libraries do in every service: HTTP (this library's middleware), the outbox
 * relay, the Kafka consumers. Code that records one imports it from here and needs no injection, so a
 * consumer or the relay stays constructible without Nest in its unit tests. A service's own metrics live in
 * that service (see metrics-registry.ts).
 */

export const httpRequestDuration = defineHistogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by route template, method and status (RED)',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: LATENCY_BUCKETS,
});

export const outboxPublishLag = defineHistogram({
  name: 'order_saga_outbox_publish_lag_seconds',
  help: 'Outbox message written to acknowledged by the broker',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
});

/**
 * Messages sent per relay drain, empty drains included (0): its count is the drains, each a statement and,
 * when not empty, a produce request. Drains and consumer rounds, more than messages, are what a saga's
 * messaging costs (docs/performance.md, "One event per settled order").
 */
export const outboxDrainMessages = defineHistogram({
  name: 'order_saga_outbox_drain_messages',
  help: 'Messages sent per outbox relay drain (0: nothing was waiting); the count is the drains',
  buckets: [0, 1, 2, 5, 10, 20, 50, 100, 200, 500],
});

/** Messages per consumer transaction (BatchingKafkaServer): its count is the consumer's rounds. */
export const consumerBatchMessages = defineHistogram({
  name: 'order_saga_consumer_batch_messages',
  help: 'Kafka messages applied per consumer transaction; the count is the transactions',
  buckets: [1, 2, 3, 5, 10, 20, 50, 100, 200, 500],
});

export const consumerLag = defineGauge({
  name: 'order_saga_consumer_lag',
  help: 'Messages behind the partition high watermark, as the consumer saw it after its last batch',
  labelNames: ['topic', 'partition'] as const,
});

export const messagesProcessed = defineCounter({
  name: 'order_saga_messages_processed_total',
  help: 'Kafka messages by consumer and result (handled, duplicate, ignored, dead_lettered, redelivered)',
  labelNames: ['consumer', 'result'] as const,
});

export const deadLettered = defineCounter({
  name: 'order_saga_dead_lettered_total',
  help: 'Messages parked in the dead-letter table/topic, by the topic they came from',
  labelNames: ['topic'] as const,
});
