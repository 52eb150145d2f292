import { Injectable } from '@nestjs/common';
import { defineCounter, defineHistogram, LATENCY_BUCKETS } from '@order-saga/shared/observability';

export type WebhookAttemptResult = 'success' | 'failure' | 'timeout';

/**
 * notification-service's metrics (docs/deployment.md's metrics contract): each POST by result and how long
 * it took, and each delivery that reached its end. Per process: a dashboard sums them over replicas.
 */
@Injectable()
export class WebhookDeliveryMetrics {
  private readonly attempts = defineCounter({
    name: 'webhook_delivery_attempts_total',
    help: 'Webhook POSTs by result',
    labelNames: ['result'] as const,
  });
  private readonly duration = defineHistogram({
    name: 'webhook_delivery_duration_seconds',
    help: 'Webhook POST latency by result',
    labelNames: ['result'] as const,
    buckets: LATENCY_BUCKETS,
  });
  private readonly finished = defineCounter({
    name: 'webhook_deliveries_total',
    help: 'Webhook deliveries that reached a final status: succeeded, or failed after their last attempt (the spec\'s "alert sent" keys on failed)',
    labelNames: ['status'] as const,
  });
  private readonly endpointsDisabled = defineCounter({
    name: 'webhook_endpoints_disabled_total',
    help: 'Webhook endpoints disabled because they answered 410 Gone',
  });

  constructor() {
    // Every series exists from start-up, so rate() sees the first increment and a dashboard shows 0, not nothing.
    for (const status of ['succeeded', 'failed']) this.finished.inc({ status }, 0);
    this.endpointsDisabled.inc(0);
  }

  recordAttempt(result: WebhookAttemptResult, durationMs: number): void {
    this.attempts.inc({ result });
    this.duration.observe({ result }, durationMs / 1000);
  }

  recordDelivered(): void {
    this.finished.inc({ status: 'succeeded' });
  }

  /** A delivery given up after its last attempt, and whether its endpoint was disabled with it (410 Gone). */
  recordFailedDelivery(endpointDisabled: boolean): void {
    this.finished.inc({ status: 'failed' });
    if (endpointDisabled) this.endpointsDisabled.inc();
  }

  /** The deliveries finished with `status` so far, in this process. */
  async deliveries(status: 'succeeded' | 'failed'): Promise<number> {
    return (await this.finished.get()).values.find((sample) => sample.labels.status === status)?.value ?? 0;
  }
}
