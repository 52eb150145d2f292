import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

type Apply<Row> = (manager: EntityManager, rows: Row[]) => Promise<void>;

const queued = new WeakMap<QueryRunner, Map<Apply<unknown>, unknown[]>>();
const committed = new WeakMap<QueryRunner, Hook[]>();
const undone = new WeakMap<QueryRunner, Hook[]>();
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

/** A callback, and the transaction depth it was registered at (2 and more: inside a savepoint). */
interface Hook {
  depth: number;
  callback: () => void;
}

/**
 * Runs `callback` once the transaction `manager` belongs to has committed, whoever owns that transaction
 * (a consumer batch, a sweep, an HTTP handler); never when it rolls back, nor when the savepoint it was
 * registered in rolls back. Outside a transaction the statement already committed, so it runs at once.
 */
export function afterCommit(manager: EntityManager, callback: () => void): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) return callback();
  hook(manager.connection);
  register(committed, runner, callback);
}

/**
 * Runs `callback` if what `manager` wrote so far is rolled back: the transaction, or the savepoint it was
 * registered in (e.g. to drop a copy in memory of what was written). Outside a transaction there is
 * nothing to roll back and it never runs.
 */
export function onRollback(manager: EntityManager, callback: () => void): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) return;
  hook(manager.connection);
  register(undone, runner, callback);
}

function register(hooks: WeakMap<QueryRunner, Hook[]>, runner: QueryRunner, callback: () => void): void {
  const list = hooks.get(runner) ?? [];
  list.push({ depth: depthOf(runner), callback });
  hooks.set(runner, list);
}

/** TypeORM's nesting level: 1 in the transaction, one more per savepoint; already decremented when a rollback is broadcast. */
function depthOf(runner: QueryRunner): number {
  return (runner as unknown as { transactionDepth?: number }).transactionDepth ?? 1;
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
    // Also broadcast when a savepoint is released; only the outermost commit counts.
    if (queryRunner.isTransactionActive) return;
    const hooks = committed.get(queryRunner) ?? [];
    committed.delete(queryRunner);
    undone.delete(queryRunner);
    for (const { callback } of hooks) callback();
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    // What was registered deeper than the level still open was rolled back (everything, at level 0).
    const open = queryRunner.isTransactionActive ? depthOf(queryRunner) : 0;
    const survives = ({ depth }: Hook) => depth <= open;
    if (open === 0) queued.delete(queryRunner);
    committed.set(queryRunner, (committed.get(queryRunner) ?? []).filter(survives));
    const rolledBack = (undone.get(queryRunner) ?? []).filter((hook) => !survives(hook));
    undone.set(queryRunner, (undone.get(queryRunner) ?? []).filter(survives));
    for (const { callback } of rolledBack) callback();
  }
}
