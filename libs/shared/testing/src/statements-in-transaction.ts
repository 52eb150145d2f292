import { DataSource, EntityManager, QueryRunner } from 'typeorm';

export interface TransactionStatements {
  /** Sent while `work` ran. */
  byHandlers: string[];
  /** Sent after it, as the transaction committed (a consumer batch's deferred writes, then COMMIT). */
  atCommit: string[];
}

/**
 * Runs `work` in one transaction of `dataSource`, as a consumer batch runs its handlers, and returns the
 * statements that `keep` selects (all by default), split by when they were sent.
 */
export async function statementsInTransaction(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<void>,
  keep: (sql: string) => boolean = () => true,
): Promise<TransactionStatements> {
  const sent: TransactionStatements = { byHandlers: [], atCommit: [] };
  let phase: keyof TransactionStatements = 'byHandlers';
  await dataSource.transaction(async (manager) => {
    const runner = manager.queryRunner as QueryRunner;
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    runner.query = ((sql: string, ...rest: unknown[]) => {
      if (keep(sql)) sent[phase].push(sql);
      return query(sql, ...rest);
    }) as typeof runner.query;
    await work(manager);
    phase = 'atCommit';
  });
  return sent;
}

/** A statement's first word (`INSERT`, `WITH`, `COMMIT`…): what a statement budget counts. */
export const statementVerb = (sql: string): string => sql.trim().split(/\s+/)[0];
