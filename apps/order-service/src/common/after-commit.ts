import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

/** A callback, and the transaction depth it was registered at (2 and more: inside a savepoint). */
interface Hook {
  depth: number;
  callback: () => void;
}

const onCommit = new WeakMap<QueryRunner, Hook[]>();
const onUndo = new WeakMap<QueryRunner, Hook[]>();

/**
 * Runs `callback` once the transaction `manager` belongs to has committed, whoever owns that transaction
 * (the message processor's, the sweep's, the POST's); never when it rolls back, nor when the savepoint it
 * was registered in rolls back. Outside a transaction the statement already committed, so it runs at once.
 */
export function afterCommit(manager: EntityManager, callback: () => void): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) return callback();
  register(onCommit, runner, callback);
}

/**
 * Runs `callback` if what `manager` wrote so far is rolled back: the transaction, or the savepoint it was
 * registered in. Outside a transaction there is nothing to roll back and it never runs.
 */
export function onRollback(manager: EntityManager, callback: () => void): void {
  const runner = manager.queryRunner;
  if (runner?.isTransactionActive) register(onUndo, runner, callback);
}

function register(hooks: WeakMap<QueryRunner, Hook[]>, runner: QueryRunner, callback: () => void): void {
  const list = hooks.get(runner) ?? [];
  list.push({ depth: depthOf(runner), callback });
  hooks.set(runner, list);
}

/** TypeORM's nesting level: 1 in the transaction, one more per savepoint; already decremented when a rollback is broadcast. */
function depthOf(runner: QueryRunner): number {
  return (runner as unknown as { transactionDepth: number }).transactionDepth;
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
    const hooks = onCommit.get(queryRunner) ?? [];
    onCommit.delete(queryRunner);
    onUndo.delete(queryRunner);
    for (const { callback } of hooks) callback();
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    // What was registered deeper than the level still open was rolled back (everything, at level 0).
    const open = queryRunner.isTransactionActive ? depthOf(queryRunner) : 0;
    const survives = ({ depth }: Hook) => depth <= open;
    onCommit.set(queryRunner, (onCommit.get(queryRunner) ?? []).filter(survives));
    const undone = (onUndo.get(queryRunner) ?? []).filter((hook) => !survives(hook));
    onUndo.set(queryRunner, (onUndo.get(queryRunner) ?? []).filter(survives));
    for (const { callback } of undone) callback();
  }
}
