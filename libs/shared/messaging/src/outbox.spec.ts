import { defineMessage, TopicName } from '@order-saga/contracts';
import type { EntityManager, QueryRunner } from 'typeorm';
import { deferOutboxAppends, Outbox, writeDeferredOutbox } from './outbox';

const PING = defineMessage('Ping', 'test.event.ping.v1' as TopicName, class Ping {});
const origin = (correlationId: string) => ({ correlationId, causationId: null, requestId: null, traceparent: null });

/** A transaction's manager that records the message keys of each outbox insert. */
function recordingTransaction(transactionDepth = 1) {
  const inserts: string[][] = [];
  const runner = { data: {} as Record<string, unknown>, isTransactionActive: true, transactionDepth } as unknown as QueryRunner;
  const manager = {
    queryRunner: runner,
    connection: {},
    query: async (_sql: string, [, , keys]: string[][]) => void inserts.push(keys),
  } as unknown as EntityManager;
  (runner as { manager: EntityManager }).manager = manager;
  return { inserts, runner, manager };
}

describe('Outbox in a queueing (batch) transaction', () => {
  const outbox = new Outbox();

  it('queues appends and writes them in one insert, in append order, with the ids it returned at once', async () => {
    const { inserts, runner, manager } = recordingTransaction();
    deferOutboxAppends(runner);

    const first = await outbox.append(manager, PING, {}, origin('a'));
    const rest = await outbox.appendAll(
      manager,
      ['b', 'c'].map((key) => ({ definition: PING, payload: {}, origin: origin(key) })),
    );
    expect(inserts).toEqual([]);
    await writeDeferredOutbox(manager);

    expect(inserts).toEqual([['a', 'b', 'c']]);
    expect([first, ...rest].map((envelope) => envelope.correlationId)).toEqual(['a', 'b', 'c']);
  });

  it('inserts at once what is appended after the queue was written (a before-commit hook), after the queued rows', async () => {
    const { inserts, runner, manager } = recordingTransaction();
    deferOutboxAppends(runner);
    await outbox.append(manager, PING, {}, origin('a'));
    await writeDeferredOutbox(manager);

    await outbox.append(manager, PING, {}, origin('late'));

    expect(inserts).toEqual([['a'], ['late']]);
  });

  it('inside a savepoint writes the queue and the new rows at once, so they roll back with the savepoint', async () => {
    const { inserts, runner, manager } = recordingTransaction();
    deferOutboxAppends(runner);
    await outbox.append(manager, PING, {}, origin('a'));
    (runner as unknown as { transactionDepth: number }).transactionDepth = 2;

    await outbox.append(manager, PING, {}, origin('in-savepoint'));

    expect(inserts).toEqual([['a', 'in-savepoint']]);
  });
});
