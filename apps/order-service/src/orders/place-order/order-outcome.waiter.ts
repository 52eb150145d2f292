import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { afterCommit, PgListener } from '@order-saga/shared/database';
import type { EntityManager } from 'typeorm';
import { OrderServiceConfig } from '../../config/order-service.config';
import type { OrderFailure } from '../domain/order-failure';
import type { SagaOrderLine, SagaRecord } from './place-order-saga.repository';

export const ORDER_OUTCOME_CHANNEL = 'order_outcome';

/** A settled order as the transaction that settled it wrote it: enough to answer POST /orders without reading it back. */
export interface SettledOrder {
  status: 'confirmed' | 'cancelled';
  totalCents: number | null;
  failure: OrderFailure | null;
  /** Null when the settling step did not know them; the request then reads the order. */
  lines: SagaOrderLine[] | null;
}

interface Waiting {
  deadline: number;
  wake: (settled: SettledOrder | null) => void;
}

/**
 * Lets an HTTP request wait for its saga's outcome. Woken in-process, a request gets the order as its
 * settling transaction committed it; woken by another replica's NOTIFY or by its deadline it gets null,
 * and must read the order: a lost signal costs at most the wait budget, never a wrong answer.
 *
 * Per request this is one map entry. Every request waits the same budget, so the map, in insertion order,
 * is also in deadline order, and one timer, armed for the oldest entry, serves them all.
 */
@Injectable()
export class OrderOutcomeWaiter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly waiting = new Map<string, Waiting>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly listener: PgListener,
    private readonly config: OrderServiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = await this.listener.subscribe(ORDER_OUTCOME_CHANNEL, (orderId) => this.wake(orderId, null));
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    clearTimeout(this.timer);
    for (const orderId of [...this.waiting.keys()]) this.wake(orderId, null);
  }

  /**
   * Registers interest before the order is even committed (so the outcome cannot slip by). Resolves with
   * the settled order when this replica settles it, with null on another replica's signal or once
   * ORDER_OUTCOME_WAIT_MS have passed.
   */
  expect(orderId: string): Promise<SettledOrder | null> {
    return new Promise((wake) => {
      this.waiting.set(orderId, { deadline: Date.now() + this.config.ORDER_OUTCOME_WAIT_MS, wake });
      this.timer ??= this.arm();
    });
  }

  /** The request will not wait after all (its order was not placed). */
  forget(orderId: string): void {
    this.waiting.delete(orderId);
  }

  /**
   * Called in the transaction that settles an order. A request waiting in this replica is woken in-process
   * once that transaction commits. Otherwise a NOTIFY (sent on commit) reaches the other replicas, but only
   * while the order is younger than the wait budget (plus a second for clock skew): an older order has no
   * request left waiting anywhere, and every NOTIFY serialises its commit with every other one server-wide.
   */
  async settled(manager: EntityManager, saga: SagaRecord, now: Date): Promise<void> {
    const { orderId, view, order } = saga;
    if (this.waiting.has(orderId)) {
      const settled: SettledOrder = {
        status: view.orderStatus as SettledOrder['status'],
        totalCents: order.totalCents,
        failure: view.orderFailure,
        lines: order.lines,
      };
      return afterCommit(manager, () => this.wake(orderId, settled));
    }
    if (now.getTime() - order.createdAt.getTime() > this.config.ORDER_OUTCOME_WAIT_MS + 1000) return;
    await manager.query('SELECT pg_notify($1, $2)', [ORDER_OUTCOME_CHANNEL, orderId]);
  }

  private wake(orderId: string, settled: SettledOrder | null): void {
    const waiting = this.waiting.get(orderId);
    if (!waiting) return;
    this.waiting.delete(orderId);
    waiting.wake(settled);
  }

  /** One timer for the oldest request; when it fires, every request past its deadline is answered and the timer moves on. */
  private arm(): NodeJS.Timeout | undefined {
    const oldest = this.waiting.values().next().value;
    if (!oldest) return undefined;
    const timer = setTimeout(
      () => {
        this.timer = undefined;
        const now = Date.now();
        for (const [orderId, { deadline }] of this.waiting) {
          if (deadline > now) break;
          this.wake(orderId, null);
        }
        this.timer = this.arm();
      },
      Math.max(0, oldest.deadline - Date.now()),
    );
    timer.unref();
    return timer;
  }
}
