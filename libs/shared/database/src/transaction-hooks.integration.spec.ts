import { randomBytes } from 'node:crypto';
import { adminQuery, pollUntil } from '@order-saga/shared/testing';
import { DataSource, EntityManager } from 'typeorm';
import { afterCommit, DeferredStatement } from './transaction-hooks';

/** Against the real PostgreSQL server, in a throwaway database. */
const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `${process.env.ORDER_SAGA_TEST_DB_PREFIX ?? 'order_saga_test'}_hooks_${randomBytes(4).toString('hex')}`;

describe('DeferredStatement and afterCommit (PostgreSQL)', () => {
  let dataSource: DataSource;
  const statements: number[][] = [];
  const insertNotes = new DeferredStatement<number>(async (manager, ids) => {
    statements.push(ids);
    await manager.query(`INSERT INTO note (id) SELECT unnest($1::int[])`, [ids]);
  });
  const notes = async (): Promise<number[]> => (await dataSource.query(`SELECT id FROM note ORDER BY id`)).map((row: { id: number }) => row.id);

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${database}`, adminUrl);
    dataSource = new DataSource({ type: 'postgres', url: `${adminUrl.replace(/\/[^/]*$/, '')}/${database}` });
    await dataSource.initialize();
    await dataSource.query(`CREATE TABLE note (id int PRIMARY KEY)`);
  });

  beforeEach(async () => {
    statements.length = 0;
    await dataSource.query(`TRUNCATE note`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`, adminUrl);
  });

  it('applies every row a transaction queued in one statement just before it commits, and calls back after the commit', async () => {
    const seenBeforeCommit: number[][] = [];
    const calledBack: number[][] = [];

    await dataSource.transaction(async (manager) => {
      for (const id of [1, 2, 3]) {
        await insertNotes.add(manager, id);
        afterCommit(manager, () => void notes().then((ids) => calledBack.push(ids)));
      }
      seenBeforeCommit.push(await inTransaction(manager));
    });

    expect(seenBeforeCommit).toEqual([[]]);
    expect(statements).toEqual([[1, 2, 3]]);
    expect(await notes()).toEqual([1, 2, 3]);
    await pollUntil(async () => (calledBack.length === 3 ? true : undefined), { timeoutMs: 5000, intervalMs: 10, description: 'the three callbacks' });
    expect(calledBack.every((ids) => ids.join() === '1,2,3')).toBe(true);
  });

  it('applies nothing and calls nothing back when the transaction rolls back, and does not carry rows over to the next one', async () => {
    const calledBack: string[] = [];

    await expect(
      dataSource.transaction(async (manager) => {
        await insertNotes.add(manager, 7);
        afterCommit(manager, () => calledBack.push('rolled back'));
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    await dataSource.transaction((manager) => insertNotes.add(manager, 8));

    expect(statements).toEqual([[8]]);
    expect(await notes()).toEqual([8]);
    expect(calledBack).toEqual([]);
  });

  it('fails the commit when the statement fails, so the whole transaction rolls back', async () => {
    await dataSource.query(`INSERT INTO note (id) VALUES (5)`);

    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO note (id) VALUES (6)`);
        await insertNotes.add(manager, 5);
      }),
    ).rejects.toThrow(/duplicate key/);

    expect(await notes()).toEqual([5]);
  });

  it('flush applies the rows queued so far at once, for a statement that reads them; later rows wait for the commit', async () => {
    let seen: number[] = [];

    await dataSource.transaction(async (manager) => {
      await insertNotes.add(manager, 1);
      await insertNotes.add(manager, 2);
      expect(insertNotes.queued(manager)).toEqual([1, 2]);
      await insertNotes.flush(manager);
      seen = await inTransaction(manager);
      await insertNotes.add(manager, 3);
      expect(insertNotes.queued(manager)).toEqual([3]);
    });

    expect(seen).toEqual([1, 2]);
    expect(statements).toEqual([[1, 2], [3]]);
    expect(await notes()).toEqual([1, 2, 3]);
  });

  it('outside a transaction applies a row, and calls back, at once', async () => {
    let calledBack = false;

    await insertNotes.add(dataSource.manager, 9);
    afterCommit(dataSource.manager, () => (calledBack = true));

    expect(statements).toEqual([[9]]);
    expect(calledBack).toBe(true);
  });

  /** The rows as the transaction itself sees them. */
  async function inTransaction(manager: EntityManager): Promise<number[]> {
    return (await manager.query(`SELECT id FROM note ORDER BY id`)).map((row: { id: number }) => row.id);
  }
});
