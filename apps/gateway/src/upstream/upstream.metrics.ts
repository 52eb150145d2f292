import { Injectable } from '@nestjs/common';
import { defineCounter, defineGauge } from '@order-saga/shared/observability';

/** The gateway's admission-control metrics (docs/deployment.md's metrics contract), recorded by each InFlightLimit. */
@Injectable()
export class UpstreamMetrics {
  readonly inFlight = defineGauge({
    name: 'order_saga_upstream_in_flight',
    help: 'Upstream calls the gateway has in flight, by in-flight limit (orders-write or the service)',
    labelNames: ['limit'] as const,
  });

  readonly shed = defineCounter({
    name: 'order_saga_upstream_shed_total',
    help: 'Requests the gateway answered 503 without calling the service because the in-flight limit was reached',
    labelNames: ['limit'] as const,
  });
}
