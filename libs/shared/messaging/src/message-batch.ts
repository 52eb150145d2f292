import { AsyncLocalStorage } from 'node:async_hooks';
import { inBatchSpan } from '@order-saga/shared/observability';
import type { EntityManager, QueryRunner } from 'typeorm';
import { deferOutboxAppends, writeDeferredOutbox } from './outbox';

/** What MessageProcessor does for a batch; kept as an interface so this file needs no Nest. */
export interface BatchParticipant<O> {
  /** Opens the batch's transaction. */
  begin(): Promise<QueryRunner>;
  /** Decodes one message of the batch; throws when it cannot (the one-at-a-time re-run dead-letters it). */
  prepare(options: O): PreparedMessage;
  /**
   * Records every message of the batch in the inbox in ONE statement; returns, per message, whether it
   * is fresh (its first copy in the batch, and not seen before).
   */
  claim(messages: readonly PreparedMessage[], manager: EntityManager): Promise<boolean[]>;
  /** The message on its own, under the retry and dead-letter rules: what a failed batch falls back to. */
  processOne(options: O): Promise<void>;
  /** Called once when the batch rolled back and is re-run one message at a time. */
  onFallback(size: number, error: unknown): void;
}

/** One decoded message of a batch. */
export interface PreparedMessage {
  readonly messageId: string;
  readonly consumer: string;
  /** The message's effect in the batch's transaction (`fresh`), or the log line of a skipped duplicate. */
  apply(manager: EntityManager, fresh: boolean): Promise<void>;
  /** After the batch committed (metrics). */
  afterCommit(fresh: boolean): void;
  /** The trace context the message was sent in, if any: the batch's span continues or links it. */
  readonly traceparent?: string | null;
}

interface Enlisted {
  participant: BatchParticipant<unknown>;
  options: unknown;
  lane: unknown;
  prepared?: PreparedMessage;
  settled: Deferred;
}

/** The batch slot a handler runs in; MessageProcessor.process finds it and enlists in the batch. */
export interface BatchSlot {
  enlist<O>(participant: BatchParticipant<O>, options: O): Promise<void>;
}

const current = new AsyncLocalStorage<Slot>();

/** The batch slot of the handler being run, if it runs as part of a batch (see BatchingKafkaServer). */
export function currentBatchSlot(): BatchSlot | undefined {
  return current.getStore();
}

/**
 * Messages applied in order in ONE transaction, with set-based bookkeeping: each handler runs as usual
 * and MessageProcessor.process, finding the slot, enlists its message and keeps the handler waiting
 * until the batch is settled, so a handler resumes after `process` only once its effect is committed,
 * as it does outside a batch. `settle()` then runs the transaction: ONE inbox insert for every message,
 * the effects of the fresh ones in message order (duplicates skipped), and ONE outbox insert for every
 * message the effects appended (Outbox.appendAll queues them in the batch's transaction), then COMMIT.
 *
 * On any error (a handler, the commit, an undecodable message) the transaction is rolled back and the
 * enlisted messages are re-run one at a time, in order, each in its own transaction under the retry and
 * dead-letter rules (MessageProcessor.processOne): a poison message costs the batch, never the others.
 * Messages are in lanes (a partition each): order holds within a lane, lanes re-run side by side, and a
 * message that fails alone stops only its own lane (it and the lane's later messages are redelivered).
 */
export class MessageBatch {
  private readonly enlisted: Enlisted[] = [];
  private failure: { error: unknown } | undefined;

  get failed(): boolean {
    return this.failure !== undefined;
  }

  get size(): number {
    return this.enlisted.length;
  }

  /**
   * Starts `invoke` (one message's handler, of `lane`) as the batch's next message and resolves once
   * the handler enlisted, failed, or finished without enlisting. Returns the handler's own promise
   * (wrapped, or awaiting it would wait for it), which settles only after `settle()`.
   */
  async next(invoke: () => Promise<unknown>, lane: unknown = undefined): Promise<{ invocation: Promise<unknown> }> {
    const slot = new Slot(this, lane);
    const invocation = current.run(slot, invoke);
    // Awaited by the caller after settle(); a handler that fails before enlisting fails the batch.
    const finished = invocation.then(
      () => undefined,
      (error: unknown) => {
        if (!slot.enlisted) this.fail(error);
      },
    );
    await Promise.race([slot.stepped.promise, finished]);
    return { invocation };
  }

  /** @internal Slot.enlist */
  enlist<O>(slot: Slot, participant: BatchParticipant<O>, options: O): Promise<void> {
    const entry: Enlisted = { participant: participant as BatchParticipant<unknown>, options, lane: slot.lane, settled: deferred() };
    this.enlisted.push(entry);
    slot.stepped.resolve();
    return entry.settled.promise;
  }

  /** Commits the batch, or rolls it back and re-runs its messages one at a time; settles every handler. */
  async settle(): Promise<void> {
    const fresh = this.failure || this.enlisted.length === 0 ? [] : await this.commit();
    if (!this.failure) {
      for (const [index, entry] of this.enlisted.entries()) {
        entry.prepared?.afterCommit(fresh[index]);
        entry.settled.resolve();
      }
      return;
    }
    if (this.enlisted.length > 0) this.enlisted[0].participant.onFallback(this.enlisted.length, this.failure.error);
    await Promise.all([...lanesOf(this.enlisted).values()].map((lane) => this.reRunAlone(lane)));
  }

  /** The transaction; returns, per message, whether it was fresh. Records a failure instead of throwing. */
  private async commit(): Promise<boolean[]> {
    // The inbox statement and the transaction are the first participant's: one process has one MessageProcessor.
    const [{ participant }] = this.enlisted;
    let runner: QueryRunner | undefined;
    try {
      const prepared = this.enlisted.map((entry) => (entry.prepared = entry.participant.prepare(entry.options)));
      const attributes = { 'messaging.batch.message_count': prepared.length };
      // Its span holds the transaction's own statements; see inBatchSpan for the trace it is part of.
      return await inBatchSpan(
        'message batch',
        prepared.map((message) => message.traceparent),
        attributes,
        async () => {
          const open = (runner = await participant.begin());
          deferOutboxAppends(open);
          const fresh = await participant.claim(prepared, open.manager);
          for (const [index, message] of prepared.entries()) await message.apply(open.manager, fresh[index]);
          await writeDeferredOutbox(open.manager);
          await open.commitTransaction();
          return fresh;
        },
      );
    } catch (error) {
      // A failed COMMIT may or may not have committed: the re-run's inbox check tells which.
      this.fail(error);
      if (runner?.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      return [];
    } finally {
      await runner?.release();
    }
  }

  private async reRunAlone(lane: Enlisted[]): Promise<void> {
    for (const [index, entry] of lane.entries()) {
      try {
        await entry.participant.processOne(entry.options);
        entry.settled.resolve();
      } catch (error) {
        // Redelivered from this message on (kafkajs seeks back): the lane's later ones must not run before it.
        for (const rest of lane.slice(index)) rest.settled.reject(error);
        return;
      }
    }
  }

  private fail(error: unknown): void {
    this.failure ??= { error };
  }
}

function lanesOf(entries: Enlisted[]): Map<unknown, Enlisted[]> {
  const lanes = new Map<unknown, Enlisted[]>();
  for (const entry of entries) {
    const lane = lanes.get(entry.lane);
    if (lane) lane.push(entry);
    else lanes.set(entry.lane, [entry]);
  }
  return lanes;
}

class Slot implements BatchSlot {
  readonly stepped = deferred();
  enlisted = false;

  constructor(
    private readonly batch: MessageBatch,
    readonly lane: unknown,
  ) {}

  enlist<O>(participant: BatchParticipant<O>, options: O): Promise<void> {
    if (this.enlisted) throw new Error('a handler may process its message only once');
    this.enlisted = true;
    return this.batch.enlist(this, participant, options);
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Rejections are for the handler awaiting it; one that is no longer awaited must not crash the process.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
