import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PgListener } from '@order-saga/shared/database';
import type { EntityManager } from 'typeorm';
import { afterCommit } from '../../common/after-commit';
import { OrderServiceConfig } from '../../config/order-service.config';

export const ORDER_OUTCOME_CHANNEL = 'order_outcome';

/**
 * Lets an HTTP request wait for its saga's outcome. The waiter only says "look again": callers re-read the
 * order, and a lost signal costs at most the wait budget, never a wrong answer.
 */
@Injectable()
export class OrderOutcomeWaiter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly waiting = new Map<string, Set<() => void>>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly listener: PgListener,
    private readonly config: OrderServiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = await this.listener.subscribe(ORDER_OUTCOME_CHANNEL, (orderId) => this.wake(orderId));
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    for (const wakers of this.waiting.values()) for (const wake of wakers) wake();
  }

  /**
   * Registers interest before the order is even committed (so the outcome cannot slip by), and
   * returns a function that resolves on the outcome's signal or after `budgetMs`.
   */
  expect(orderId: string): (budgetMs: number) => Promise<void> {
    let wake!: () => void;
    const notified = new Promise<void>((resolve) => (wake = resolve));
    const wakers = this.waiting.get(orderId) ?? new Set();
    wakers.add(wake);
    this.waiting.set(orderId, wakers);
    return async (budgetMs) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([notified, new Promise<void>((resolve) => (timer = setTimeout(resolve, budgetMs)))]);
      } finally {
        clearTimeout(timer);
        wakers.delete(wake);
        if (wakers.size === 0) this.waiting.delete(orderId);
      }
    };
  }

  /**
   * Called in the transaction that settles an order. A request waiting in this replica is woken in-process
   * once that transaction commits. Otherwise a NOTIFY (sent on commit) reaches the other replicas, but only
   * while the order is younger than the wait budget (plus a second for clock skew): an older order has no
   * request left waiting anywhere, and every NOTIFY serialises its commit with every other one server-wide.
   */
  async settled(manager: EntityManager, orderId: string, orderCreatedAt: Date, now: Date): Promise<void> {
    if (this.waiting.has(orderId)) return afterCommit(manager, () => this.wake(orderId));
    if (now.getTime() - orderCreatedAt.getTime() > this.config.ORDER_OUTCOME_WAIT_MS + 1000) return;
    await manager.query('SELECT pg_notify($1, $2)', [ORDER_OUTCOME_CHANNEL, orderId]);
  }

  private wake(orderId: string): void {
    for (const wake of this.waiting.get(orderId) ?? []) wake();
  }
}
