import { DataSource } from 'typeorm';
import { afterCommit, onRollback } from './transaction-hooks';

const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** afterCommit / onRollback on real PostgreSQL transactions, savepoints (nested TypeORM transactions) included. */
describe('afterCommit and onRollback', () => {
  const dataSource = new DataSource({ type: 'postgres', url: adminUrl });
  let events: string[];

  beforeAll(async () => {
    await dataSource.initialize();
  });
  afterAll(() => dataSource.destroy());
  beforeEach(() => (events = []));

  it('runs after the commit, never before it, and not the undo', async () => {
    await dataSource.transaction(async (manager) => {
      await manager.query('SELECT 1');
      afterCommit(manager, () => events.push('committed'));
      onRollback(manager, () => events.push('undone'));
      expect(events).toEqual([]);
    });

    expect(events).toEqual(['committed']);
  });

  it('a rolled-back transaction runs the undo and drops the after-commit callback', async () => {
    const failing = dataSource.transaction(async (manager) => {
      afterCommit(manager, () => events.push('committed'));
      onRollback(manager, () => events.push('undone'));
      throw new Error('rolled back');
    });

    await expect(failing).rejects.toThrow('rolled back');
    expect(events).toEqual(['undone']);
  });

  it('a rolled-back savepoint undoes what was registered inside it only, and the outer commit runs the rest', async () => {
    await dataSource.transaction(async (manager) => {
      afterCommit(manager, () => events.push('outer committed'));
      onRollback(manager, () => events.push('outer undone'));
      const inner = manager.transaction(async (nested) => {
        afterCommit(nested, () => events.push('inner committed'));
        onRollback(nested, () => events.push('inner undone'));
        throw new Error('savepoint rolled back');
      });
      await expect(inner).rejects.toThrow('savepoint rolled back');
      expect(events).toEqual(['inner undone']);
    });

    expect(events).toEqual(['inner undone', 'outer committed']);
  });

  it('outside a transaction the callback runs at once and there is nothing to undo', async () => {
    afterCommit(dataSource.manager, () => events.push('committed'));
    onRollback(dataSource.manager, () => events.push('undone'));

    expect(events).toEqual(['committed']);
  });
});
