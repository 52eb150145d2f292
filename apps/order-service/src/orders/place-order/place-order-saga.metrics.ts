import { Injectable } from '@nestjs/common';
import { defineCounter, defineHistogram } from '@order-saga/shared/observability';
import type { SagaOutcome } from '../domain/place-order.saga';

const SAGA_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/** order-service's saga counters (docs/deployment.md's metrics contract); recorded after the transaction that moved the saga commits. */
@Injectable()
export class PlaceOrderSagaMetrics {
  private readonly started = defineCounter({ name: 'order_saga_sagas_started_total', help: 'Sagas begun' });
  private readonly finished = defineCounter({ name: 'order_saga_sagas_total', help: 'Sagas finished, by outcome', labelNames: ['outcome'] as const });
  private readonly duration = defineHistogram({
    name: 'order_saga_saga_duration_seconds',
    help: 'Saga start to outcome',
    labelNames: ['outcome'] as const,
    buckets: SAGA_BUCKETS,
  });

  recordStarted(): void {
    this.started.inc();
  }

  /** Counts a saga's outcome and its duration from `startedAt`. */
  recordOutcome(outcome: SagaOutcome, startedAt: Date | undefined, now: Date = new Date()): void {
    this.finished.inc({ outcome });
    if (startedAt) this.duration.observe({ outcome }, Math.max(0, (now.getTime() - startedAt.getTime()) / 1000));
  }
}
