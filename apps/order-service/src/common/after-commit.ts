import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

const pending = new WeakMap<QueryRunner, (() => void)[]>();
const undo = new WeakMap<QueryRunner, (() => void)[]>();

/**
 * Runs `callback` once the transaction `manager` belongs to has committed, whoever owns that transaction
 * (the message processor's, the sweep's, the POST's); never when it rolls back. Outside a transaction
 * the statement already committed, so it runs at once. A callback registered inside a savepoint that is
 * rolled back still runs at the outer commit: use it only for hints that are harmless when spurious.
 */
export function afterCommit(manager: EntityManager, callback: () => void): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) return callback();
  const callbacks = pending.get(runner) ?? [];
  callbacks.push(callback);
  pending.set(runner, callbacks);
}

/**
 * Runs `callback` if the transaction `manager` belongs to rolls back, a savepoint's rollback included
 * (so it may run although the outer transaction later commits: use it only to drop what is safe to drop,
 * like a cached copy). Outside a transaction there is nothing to roll back and it never runs.
 */
export function onRollback(manager: EntityManager, callback: () => void): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) return;
  const callbacks = undo.get(runner) ?? [];
  callbacks.push(callback);
  undo.set(runner, callbacks);
}

/** Feeds afterCommit and onRollback from TypeORM's transaction events. */
@Injectable()
export class AfterCommitSubscriber implements EntitySubscriberInterface, OnModuleInit {
  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.dataSource.subscribers.push(this);
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    // Also broadcast when a savepoint is released; only the outermost commit counts.
    if (queryRunner.isTransactionActive) return;
    const callbacks = pending.get(queryRunner) ?? [];
    pending.delete(queryRunner);
    undo.delete(queryRunner);
    for (const callback of callbacks) callback();
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (!queryRunner.isTransactionActive) pending.delete(queryRunner);
    const callbacks = undo.get(queryRunner) ?? [];
    undo.delete(queryRunner);
    for (const callback of callbacks) callback();
  }
}
