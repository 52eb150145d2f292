import type { EntityManager, QueryRunner } from 'typeorm';
import { BatchParticipant, currentBatchSlot, MessageBatch } from './message-batch';

/** A participant that records what happens, in order; `failOn` makes apply (in the batch) or processOne (alone) throw. */
function recorder(failOn: { apply?: string; processOne?: string } = {}) {
  const events: string[] = [];
  const runner = {
    manager: {} as EntityManager,
    isTransactionActive: true,
    commitTransaction: async () => void events.push('commit'),
    rollbackTransaction: async () => void events.push('rollback'),
    release: async () => void events.push('release'),
  };
  const participant: BatchParticipant<string> = {
    begin: async () => (events.push('begin'), runner as unknown as QueryRunner),
    apply: async (message) => {
      events.push(`apply ${message}`);
      if (message === failOn.apply) throw new Error(`${message} failed`);
      return { afterCommit: () => void events.push(`counted ${message}`) };
    },
    processOne: async (message) => {
      events.push(`alone ${message}`);
      if (message === failOn.processOne) throw new Error(`${message} failed again`);
    },
    onFallback: (size) => void events.push(`fallback ${size}`),
  };
  return { events, participant };
}

/** What a transport does with one fetch: each handler in turn, then settle, then the handlers' outcomes. */
async function consume(messages: string[], participant: BatchParticipant<string>, events: string[]) {
  const batch = new MessageBatch();
  const invocations: Promise<unknown>[] = [];
  for (const message of messages) {
    if (batch.failed) break;
    const { invocation } = await batch.next(async () => {
      await currentBatchSlot()?.enlist(participant, message);
      events.push(`resumed ${message}`);
    });
    invocations.push(invocation);
  }
  await batch.settle();
  return Promise.allSettled(invocations);
}

describe('MessageBatch', () => {
  it('applies every message in one transaction and resumes the handlers only after the commit', async () => {
    const { events, participant } = recorder();

    const outcomes = await consume(['a', 'b', 'c'], participant, events);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(events).toEqual(['begin', 'apply a', 'apply b', 'apply c', 'commit', 'release', 'counted a', 'counted b', 'counted c', 'resumed a', 'resumed b', 'resumed c']);
  });

  it('on a failing message rolls back, stops taking messages, and re-runs the ones it took alone, in order', async () => {
    const { events, participant } = recorder({ apply: 'b' });

    const outcomes = await consume(['a', 'b', 'c'], participant, events);

    // c was never started: the transport runs it alone after the batch.
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(events).toEqual(['begin', 'apply a', 'apply b', 'rollback', 'release', 'fallback 2', 'alone a', 'alone b', 'resumed a', 'resumed b']);
  });

  it('when a message fails alone too, it and every later one fail (to be redelivered) and the later ones are not run', async () => {
    const { events, participant } = recorder({ apply: 'b', processOne: 'a' });

    const outcomes = await consume(['a', 'b'], participant, events);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(events).not.toContain('alone b');
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
    expect(events).toEqual(['begin', 'apply a', 'commit failed', 'rollback', 'release', 'fallback 1', 'alone a', 'resumed a']);
  });

  it('fails the batch when a handler throws before it enlists, so no later message overtakes it', async () => {
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
    expect(events).toEqual(['begin', 'apply a', 'rollback', 'release', 'fallback 1', 'alone a']);
  });
});
