import { outsideTraces } from '@order-saga/shared/observability';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

/** Set in a query runner's user data while its open transaction has appended to the outbox. */
const APPENDED = 'outboxAppended';

const listeners = new WeakMap<DataSource, Set<() => void>>();

/**
 * Wakes the relay in-process once a transaction that appended to the outbox has committed, instead of
 * a NOTIFY: a notifying commit takes a server-wide lock, so every such commit on the server queues
 * behind the others. Whatever opened the transaction (an HTTP handler, a consumer batch, a sweeper)
 * needs to know nothing about it: the outbox marks the transaction, a TypeORM subscriber sees it commit.
 * Rows committed by other processes are found by the relay's poll.
 */
export function noteOutboxAppended(manager: EntityManager): void {
  const runner = manager.queryRunner;
  if (runner?.isTransactionActive) runner.data[APPENDED] = true;
  else notify(manager.connection);
}

/** Calls `listener` after each commit that appended to the outbox through `dataSource`; returns the unsubscribe. */
export function onOutboxCommit(dataSource: DataSource, listener: () => void): () => void {
  let set = listeners.get(dataSource);
  if (!set) {
    set = new Set();
    listeners.set(dataSource, set);
    dataSource.subscribers.push(new OutboxCommitSubscriber());
  }
  set.add(listener);
  return () => set.delete(listener);
}

function notify(dataSource: DataSource): void {
  // The committing request's or message's trace ends at its commit: the relay's drain serves every order.
  outsideTraces(() => {
    for (const listener of listeners.get(dataSource) ?? []) listener();
  });
}

class OutboxCommitSubscriber implements EntitySubscriberInterface {
  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    // A savepoint's release also lands here; only the outermost commit makes the rows visible.
    if (queryRunner.isTransactionActive || !takeFlag(queryRunner)) return;
    notify(queryRunner.connection);
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (!queryRunner.isTransactionActive) takeFlag(queryRunner);
  }
}

function takeFlag(runner: QueryRunner): boolean {
  const appended = runner.data?.[APPENDED] === true;
  if (appended) delete runner.data[APPENDED];
  return appended;
}
