import { Injectable } from '@nestjs/common';
import { defineCounter } from '@order-saga/shared/observability';
import type { RouteClass } from './rate-limit.policy';

/** The gateway's 429s (docs/deployment.md's metrics contract). */
@Injectable()
export class RateLimitMetrics {
  private readonly rejections = defineCounter({
    name: 'order_saga_rate_limit_rejections_total',
    help: '429s from the gateway, by the route class whose limit refused the request',
    labelNames: ['limit'] as const,
  });

  recordRejection(routeClass: RouteClass): void {
    this.rejections.inc({ limit: routeClass });
  }
}
