import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PgListener } from '@order-saga/shared/database';

export const ORDER_OUTCOME_CHANNEL = 'order_outcome';

/**
 * Lets an HTTP request wait for its saga's outcome. The saga NOTIFYs on the order's channel when it
 * commits an outcome; every replica LISTENs, so it does not matter which replica ran the saga step.
 * The waiter only says "look again": callers re-read the order, and a lost notification costs at most
 * the wait budget, never a wrong answer.
 */
@Injectable()
export class OrderOutcomeWaiter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly waiting = new Map<string, Set<() => void>>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly listener: PgListener) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = await this.listener.subscribe(ORDER_OUTCOME_CHANNEL, (orderId) => this.notify(orderId));
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    for (const wakers of this.waiting.values()) for (const wake of wakers) wake();
  }

  /**
   * Registers interest before the order is even committed (so the outcome cannot slip by), and
   * returns a function that resolves on the outcome's notification or after `budgetMs`.
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

  private notify(orderId: string): void {
    for (const wake of this.waiting.get(orderId) ?? []) wake();
  }
}
