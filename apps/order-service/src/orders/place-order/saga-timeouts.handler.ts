import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { WakeableLoop } from '@order-saga/shared/observability';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { OrderServiceConfig } from '../../config/order-service.config';
import { PlaceOrderSagaHandler } from './place-order-saga.handler';

/** Bounds one sweep, so a backlog is worked off over several ticks instead of one long one. */
const MAX_SAGAS_PER_SWEEP = 100;

/**
 * Finds sagas whose current step's deadline passed and hands each to the saga as a deadline event, one
 * transaction per saga. Every replica sweeps: `FOR UPDATE SKIP LOCKED` hands each overdue saga to exactly
 * one of them and skips a saga whose row a reply is holding right now (it is looked at again next tick,
 * by which time the reply may have moved its deadline).
 */
@Injectable()
export class SagaTimeoutsHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: WakeableLoop;

  constructor(
    private readonly dataSource: DataSource,
    private readonly saga: PlaceOrderSagaHandler,
    config: OrderServiceConfig,
    private readonly logger: PinoLogger,
  ) {
    this.loop = new WakeableLoop({
      tick: () => this.sweep(),
      intervalMs: config.SAGA_SWEEP_INTERVAL_MS,
      onError: (error) => this.logger.error({ err: error }, 'saga timeout sweep failed; will retry'),
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Handles every saga overdue at `now` (up to a bound); returns how many it handled. */
  async sweep(now = new Date()): Promise<number> {
    let handled = 0;
    while (handled < MAX_SAGAS_PER_SWEEP) {
      const found = await this.dataSource.transaction(async (manager) => {
        const due: { order_id: string }[] = await manager.query(
          `SELECT order_id FROM saga_instance WHERE step_deadline_at <= $1 ORDER BY step_deadline_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [now],
        );
        if (due.length === 0) return false;
        await this.saga.onDeadline(manager, due[0].order_id, now);
        return true;
      });
      if (!found) break;
      handled++;
    }
    return handled;
  }
}
