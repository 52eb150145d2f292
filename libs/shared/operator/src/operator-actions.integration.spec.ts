import { randomUUID } from 'node:crypto';
import { createTestDatabase, pollUntil, TestDatabase } from '@order-saga/shared/testing';
import { DataSource } from 'typeorm';
import { createOperatorActionTable, OperatorActionRequest, takeOperatorAction } from './operator-actions';

/** takeOperatorAction on real PostgreSQL transactions: one effect per action id, whatever the timing. */
describe('takeOperatorAction: an operator action at most once per action id', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('operator_actions');
    dataSource = new DataSource({ type: 'postgres', url: database.url });
    await dataSource.initialize();
    const runner = dataSource.createQueryRunner();
    await createOperatorActionTable(runner);
    await runner.release();
    await dataSource.query('CREATE TABLE effect (action_id uuid NOT NULL, n integer NOT NULL)');
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const request = (actionId = randomUUID(), target = 'dead letter 1'): OperatorActionRequest => ({
    actionId,
    action: 'dead-letter.redrive',
    target,
    operatorId: 'ops@example.com',
    reason: 'fixed',
  });
  const effects = async (actionId: string) =>
    ((await dataSource.query('SELECT n FROM effect WHERE action_id = $1', [actionId])) as { n: number }[]).map((row) => row.n);

  it('answers a repeated id with the first answer, field order and all, and acts only the first time', async () => {
    const first = request();
    const act = async (manager: import('typeorm').EntityManager) => {
      await manager.query('INSERT INTO effect (action_id, n) VALUES ($1, 1)', [first.actionId]);
      return { zeta: 1, alpha: 'first', nested: { b: 2, a: 1 } };
    };

    const taken = await takeOperatorAction(dataSource, first, act);
    const repeated = await takeOperatorAction(dataSource, first, act);

    expect(taken).toEqual({ answer: { zeta: 1, alpha: 'first', nested: { b: 2, a: 1 } }, replayed: false });
    expect(repeated.replayed).toBe(true);
    expect(JSON.stringify(repeated.answer)).toBe(JSON.stringify(taken.answer));
    expect(await effects(first.actionId)).toEqual([1]);
  });

  it('acts once when requests with one id race: the later ones wait for the first and replay its answer', async () => {
    const racing = request();
    let started = 0;
    const results = await Promise.all(
      [1, 2, 3].map((n) =>
        takeOperatorAction(dataSource, racing, async (manager) => {
          started += 1;
          // The first one holds its transaction open until the two others wait on its action row.
          await pollUntil(
            async () => {
              const [{ waiting }]: { waiting: number }[] = await dataSource.query(
                `SELECT count(*)::int AS waiting FROM pg_stat_activity
                  WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO operator_action%'`,
              );
              return waiting === 2 ? true : undefined;
            },
            { description: 'the two other requests waiting on the action id' },
          );
          await manager.query('INSERT INTO effect (action_id, n) VALUES ($1, $2)', [racing.actionId, n]);
          return { n };
        }),
      ),
    );

    expect(started).toBe(1);
    const [first] = results.filter((result) => !result.replayed);
    expect(results.filter((result) => result.replayed)).toEqual([
      { answer: first.answer, replayed: true },
      { answer: first.answer, replayed: true },
    ]);
    expect(await effects(racing.actionId)).toEqual([first.answer.n]);
  });

  it('leaves the id free when the first attempt fails, so a retry acts', async () => {
    const failing = request();
    await expect(
      takeOperatorAction(dataSource, failing, async (manager) => {
        await manager.query('INSERT INTO effect (action_id, n) VALUES ($1, 1)', [failing.actionId]);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');

    const retried = await takeOperatorAction(dataSource, failing, async (manager) => {
      await manager.query('INSERT INTO effect (action_id, n) VALUES ($1, 2)', [failing.actionId]);
      return 'done';
    });

    expect(retried).toEqual({ answer: 'done', replayed: false });
    expect(await effects(failing.actionId)).toEqual([2]);
  });

  it('refuses an id already taken for another target or action as a CONFLICT naming action_id, and changes nothing', async () => {
    const taken = request();
    await takeOperatorAction(dataSource, taken, async () => 'first');

    const elsewhere = takeOperatorAction(dataSource, { ...taken, target: 'dead letter 2' }, async () => 'second');
    await expect(elsewhere).rejects.toMatchObject({
      code: 'CONFLICT',
      details: [{ field: 'action_id', error: 'Already used for another action; send a new id for a new action' }],
    });
    await expect(takeOperatorAction(dataSource, { ...taken, action: 'dead-letter.discard' }, async () => 'third')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await takeOperatorAction(dataSource, taken, async () => 'again')).toEqual({ answer: 'first', replayed: true });
  });
});
