import { Injectable } from '@nestjs/common';
import { afterCommit } from '@order-saga/shared/database';
import type { EntityManager } from 'typeorm';

/**
 * Wakes this process's delivery worker once a transaction that made deliveries due has committed (the rows
 * are visible to its claim then). In-process rather than NOTIFY: a notifying commit takes a server-wide
 * lock, so every such commit on the server queues behind the others, and the worker needs no LISTEN
 * connection. Other replicas find the rows at their poll (DELIVERY_POLL_INTERVAL_MS); so does this one if
 * the wake-up is lost with a crash, since the rows are committed.
 */
@Injectable()
export class DeliveriesDue {
  private readonly listeners = new Set<() => void>();

  /** Called in the transaction that made deliveries due; the worker hears of it after the commit. */
  announce(manager: EntityManager): void {
    afterCommit(manager, () => {
      for (const listener of this.listeners) listener();
    });
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
