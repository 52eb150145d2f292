import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

type Apply<Row> = (manager: EntityManager, rows: Row[]) => Promise<void>;

const queued = new WeakMap<QueryRunner, Map<Apply<unknown>, unknown[]>>();
const committed = new WeakMap<QueryRunner, (() => void)[]>();
const hooked = new WeakSet<DataSource>();

/**
 * One set-based statement for every row a transaction's handlers queued: a consumer batch of N messages
 * pays one round trip instead of N. The rows are applied just before the transaction commits, in the
 * same transaction, so they commit (or roll back) with everything else in it; a failing statement fails
 * the commit. Outside a transaction a row is applied at once.
 *
 * For effects nothing later in the same transaction reads unless it calls `flush` first, and only at the
 * outermost level: a row queued inside a savepoint that is rolled back is still applied.
 */
export class DeferredStatement<Row> {
  constructor(private readonly apply: Apply<Row>) {}

  async add(manager: EntityManager, row: Row): Promise<void> {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) return this.apply(manager, [row]);
    hook(manager.connection);
    const statements = queued.get(runner) ?? new Map<Apply<unknown>, unknown[]>();
    queued.set(runner, statements);
    const rows = statements.get(this.apply as Apply<unknown>) ?? [];
    statements.set(this.apply as Apply<unknown>, rows);
    rows.push(row);
  }

  /** The rows queued in `manager`'s transaction and not applied yet. */
  queued(manager: EntityManager): readonly Row[] {
    const runner = manager.queryRunner;
    return ((runner && queued.get(runner)?.get(this.apply as Apply<unknown>)) ?? []) as Row[];
  }

  /** Applies the rows queued in `manager`'s transaction now: for a statement about to read what they change. */
  async flush(manager: EntityManager): Promise<void> {
    const runner = manager.queryRunner;
    const statements = runner && queued.get(runner);
    const rows = statements?.get(this.apply as Apply<unknown>) as Row[] | undefined;
    if (!statements || !rows) return;
    statements.delete(this.apply as Apply<unknown>);
    await this.apply(manager, rows);
  }
}

/**
 * Runs `callback` once the transaction `manager` belongs to has committed, never when it rolls back;
 * outside a transaction (the statement already committed) it runs at once.
 */
export function afterCommit(manager: EntityManager, callback: () => void): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) return callback();
  hook(manager.connection);
  const callbacks = committed.get(runner) ?? [];
  committed.set(runner, callbacks);
  callbacks.push(callback);
}

function hook(dataSource: DataSource): void {
  if (hooked.has(dataSource)) return;
  hooked.add(dataSource);
  dataSource.subscribers.push(new TransactionHooks());
}

class TransactionHooks implements EntitySubscriberInterface {
  async beforeTransactionCommit({ queryRunner }: TransactionCommitEvent): Promise<void> {
    // Also broadcast before a savepoint's release: applying there is still inside the transaction.
    const statements = queued.get(queryRunner);
    if (!statements) return;
    queued.delete(queryRunner);
    for (const [apply, rows] of statements) await apply(queryRunner.manager, rows);
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    if (queryRunner.isTransactionActive) return;
    const callbacks = committed.get(queryRunner) ?? [];
    committed.delete(queryRunner);
    for (const callback of callbacks) callback();
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (queryRunner.isTransactionActive) return;
    queued.delete(queryRunner);
    committed.delete(queryRunner);
  }
}
