import { defineMessage, TopicName } from '@order-saga/contracts';
import type { EntityManager, QueryRunner } from 'typeorm';
import { BatchParticipant, currentBatchSlot, MessageBatch } from './message-batch';
import { Outbox } from './outbox';

/**
 * A participant that records what happens, in order. `failOn` makes apply (in the batch) or processOne
 * (alone) throw; `seen` plays the inbox: a message in it (or a second copy in one batch) is a duplicate.
 * `effect` runs as the message's effect, with the batch's manager.
 */
function recorder({
  failOn = {},
  seen = new Set<string>(),
  effect,
}: { failOn?: { apply?: string; processOne?: string }; seen?: Set<string>; effect?: (message: string, manager: EntityManager) => Promise<void> } = {}) {
  const events: string[] = [];
  const runner = {
    data: {} as Record<string, unknown>,
    isTransactionActive: true,
    manager: {} as EntityManager,
    commitTransaction: async () => void events.push('commit'),
    rollbackTransaction: async () => void events.push('rollback'),
    release: async () => void events.push('release'),
  };
  const participant: BatchParticipant<string> = {
    begin: async () => (events.push('begin'), runner as unknown as QueryRunner),
    prepare: (message) => ({
      messageId: message,
      consumer: 'test.consumer',
      apply: async (manager, fresh) => {
        if (!fresh) return void events.push(`skip ${message}`);
        events.push(`apply ${message}`);
        if (message === failOn.apply) throw new Error(`${message} failed`);
        await effect?.(message, manager);
      },
      afterCommit: (fresh) => void events.push(`counted ${message}${fresh ? '' : ' (duplicate)'}`),
    }),
    claim: async (messages) => {
      events.push(`claim ${messages.map((message) => message.messageId).join(' ')}`);
      const claimed = new Set(seen);
      return messages.map((message) => !claimed.has(message.messageId) && Boolean(claimed.add(message.messageId)));
    },
    processOne: async (message) => {
      events.push(`alone ${message}`);
      if (message === failOn.processOne) throw new Error(`${message} failed again`);
    },
    onFallback: (size) => void events.push(`fallback ${size}`),
  };
  return { events, participant, runner };
}

/** What a transport does with one fetch: each handler in turn, then settle, then the handlers' outcomes. `p1:a` is message a of lane p1. */
async function consume(messages: string[], participant: BatchParticipant<string>, events: string[]) {
  const batch = new MessageBatch();
  const invocations: Promise<unknown>[] = [];
  for (const message of messages) {
    if (batch.failed) break;
    const { invocation } = await batch.next(
      async () => {
        await currentBatchSlot()?.enlist(participant, message);
        events.push(`resumed ${message}`);
      },
      message.includes(':') ? message.split(':')[0] : 'one lane',
    );
    invocations.push(invocation);
  }
  await batch.settle();
  return Promise.allSettled(invocations);
}

describe('MessageBatch', () => {
  it('enlists every handler, claims the inbox once, applies the effects in order in one transaction, and resumes the handlers only after the commit', async () => {
    const { events, participant } = recorder();

    const outcomes = await consume(['a', 'b', 'c'], participant, events);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(events).toEqual([
      'begin',
      'claim a b c',
      'apply a',
      'apply b',
      'apply c',
      'commit',
      'release',
      'counted a',
      'counted b',
      'counted c',
      'resumed a',
      'resumed b',
      'resumed c',
    ]);
  });

  it('runs the effect of fresh messages only: one already in the inbox, or a second copy in the batch, is skipped and counted as a duplicate', async () => {
    const { events, participant } = recorder({ seen: new Set(['b']) });

    const outcomes = await consume(['a', 'b', 'a', 'c'], participant, events);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(events.slice(0, 6)).toEqual(['begin', 'claim a b a c', 'apply a', 'skip b', 'skip a', 'apply c']);
    expect(events).toContain('counted b (duplicate)');
  });

  it('on a failing message rolls back and re-runs every message alone, in order', async () => {
    const { events, participant } = recorder({ failOn: { apply: 'b' } });

    const outcomes = await consume(['a', 'b', 'c'], participant, events);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(events.slice(0, 7)).toEqual(['begin', 'claim a b c', 'apply a', 'apply b', 'rollback', 'release', 'fallback 3']);
    expect(events.filter((event) => event.startsWith('alone'))).toEqual(['alone a', 'alone b', 'alone c']);
    expect(events.filter((event) => event.startsWith('resumed'))).toEqual(['resumed a', 'resumed b', 'resumed c']);
  });

  it('when a message fails alone too, it and every later one of its lane fail (to be redelivered), and the later ones are not run', async () => {
    const { events, participant } = recorder({ failOn: { apply: 'b', processOne: 'a' } });

    const outcomes = await consume(['a', 'b'], participant, events);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(events).not.toContain('alone b');
  });

  it('a message failing alone stops only its own lane: the other lanes are re-run to the end', async () => {
    const { events, participant } = recorder({ failOn: { apply: 'p1:b', processOne: 'p1:b' } });

    const outcomes = await consume(['p0:a', 'p1:a', 'p1:b', 'p1:c', 'p2:a', 'p0:b'], participant, events);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect(events).not.toContain('alone p1:c');
    const alone = events.filter((event) => event.startsWith('alone'));
    expect(alone.filter((event) => event.startsWith('alone p0'))).toEqual(['alone p0:a', 'alone p0:b']);
    expect(alone).toContain('alone p2:a');
  });

  it('treats a failed commit as a failed batch: rolled back if still open, and re-run alone', async () => {
    const { events, participant } = recorder();
    const begin = participant.begin;
    participant.begin = async () => {
      const runner = await begin();
      runner.commitTransaction = async () => {
        events.push('commit failed');
        throw new Error('connection lost');
      };
      return runner;
    };

    const outcomes = await consume(['a'], participant, events);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled']);
    expect(events).toEqual(['begin', 'claim a', 'apply a', 'commit failed', 'rollback', 'release', 'fallback 1', 'alone a', 'resumed a']);
  });

  it('fails the batch when a handler throws before it enlists, so no later message overtakes it, and opens no transaction', async () => {
    const { events, participant } = recorder();
    const batch = new MessageBatch();
    const first = await batch.next(async () => {
      await currentBatchSlot()?.enlist(participant, 'a');
    });
    await batch.next(async () => {
      throw new Error('handler failed before processing');
    });

    expect(batch.failed).toBe(true);
    await batch.settle();
    await expect(first.invocation).resolves.toBeUndefined();
    expect(events).toEqual(['fallback 1', 'alone a']);
  });

  it('writes every outbox row the effects appended in ONE insert, in append order, right before the commit; the envelopes come back at once', async () => {
    const outbox = new Outbox();
    const ping = defineMessage('Ping', 'test.event.ping.v1' as TopicName, class Ping {});
    const returned: string[] = [];
    const { events, participant, runner } = recorder({
      effect: async (message, manager) => {
        const envelopes = await outbox.appendAll(
          manager,
          [1, 2].map(() => ({ definition: ping, payload: {}, origin: { correlationId: message, causationId: null, requestId: null, traceparent: null } })),
        );
        returned.push(...envelopes.map((envelope) => envelope.messageId));
      },
    });
    const inserts: unknown[][] = [];
    runner.manager = {
      queryRunner: runner,
      connection: {},
      query: async (sql: string, parameters: unknown[]) => {
        events.push(/INSERT INTO \w+/.exec(sql)?.[0] ?? sql);
        inserts.push(parameters);
        return [];
      },
    } as unknown as EntityManager;

    await consume(['a', 'b', 'c'], participant, events);

    expect(events.slice(0, 7)).toEqual(['begin', 'claim a b c', 'apply a', 'apply b', 'apply c', 'INSERT INTO outbox', 'commit']);
    expect(returned).toHaveLength(6);
    expect(inserts).toHaveLength(1);
    const [messageIds, , keys] = inserts[0] as string[][];
    expect(messageIds).toEqual(returned);
    expect(keys).toEqual(['a', 'a', 'b', 'b', 'c', 'c']);
  });
});
