import { Injectable } from '@nestjs/common';

/**
 * In-process counters of delivery outcomes, kept where the metrics endpoint can read them once there is
 * one. Per process: a dashboard sums them over replicas.
 */
@Injectable()
export class WebhookDeliveryMetrics {
  private readonly counts = { delivered: 0, failedAttempts: 0, failedDeliveries: 0, endpointsDisabled: 0 };

  recordDelivered(): void {
    this.counts.delivered += 1;
  }

  recordFailedAttempt(): void {
    this.counts.failedAttempts += 1;
  }

  /** A delivery given up after its last attempt: the spec's "alert sent" keys on this counter. */
  recordFailedDelivery(endpointDisabled: boolean): void {
    this.counts.failedDeliveries += 1;
    if (endpointDisabled) this.counts.endpointsDisabled += 1;
  }

  snapshot(): Readonly<typeof this.counts> {
    return { ...this.counts };
  }
}
