import { metricsRegistry } from '@order-saga/shared/observability';
import { Counter, Gauge } from 'prom-client';

/*
 * The gateway's admission-control metrics, in the platform's one registry (the one /metrics serves,
 * with the `service` default label). They belong with the others in libs/shared/observability's
 * platform.metrics.ts and docs/deployment.md's metrics table; until then they live beside their only user.
 */

export const upstreamInFlight = new Gauge({
  name: 'order_saga_upstream_in_flight',
  help: 'Upstream calls the gateway has in flight, by in-flight limit (orders-write or the service)',
  labelNames: ['limit'] as const,
  registers: [metricsRegistry],
});

export const upstreamShed = new Counter({
  name: 'order_saga_upstream_shed_total',
  help: 'Requests the gateway answered 503 without calling the service because the in-flight limit was reached',
  labelNames: ['limit'] as const,
  registers: [metricsRegistry],
});
