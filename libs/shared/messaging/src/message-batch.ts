import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager, QueryRunner } from 'typeorm';

/** What MessageProcessor does for a batch; kept as an interface so this file needs no Nest. */
export interface BatchParticipant<O> {
  /** Opens the batch's transaction. */
  begin(): Promise<QueryRunner>;
  /** Inbox + effect of one message in the batch's transaction; throws to fail the batch. */
  apply(options: O, manager: EntityManager): Promise<{ afterCommit(): void }>;
  /** The message on its own, under the retry and dead-letter rules: what a failed batch falls back to. */
  processOne(options: O): Promise<void>;
  /** Called once when the batch rolled back and is re-run one message at a time. */
  onFallback(size: number, error: unknown): void;
}

interface Enlisted {
  participant: BatchParticipant<unknown>;
  options: unknown;
  applied?: { afterCommit(): void };
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
 * The messages of one fetch for one partition, applied in order in ONE transaction: each handler runs
 * as usual, and MessageProcessor.process, finding the slot, applies the message (inbox + effect +
 * outbox) with the batch's manager, then keeps the handler waiting until the batch is settled. So a
 * handler resumes after `process` only once its effect is committed, as it does outside a batch.
 *
 * On any error (a handler, the commit, an undecodable message) the transaction is rolled back and the
 * enlisted messages are re-run one at a time, in order, each in its own transaction under the retry and
 * dead-letter rules (MessageProcessor.processOne): a poison message costs the batch, never the others.
 */
export class MessageBatch {
  private readonly enlisted: Enlisted[] = [];
  private runner: QueryRunner | undefined;
  private failure: { error: unknown } | undefined;

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Starts `invoke` (one message's handler) as the batch's next message and resolves once its step is
   * done: applied in the transaction, failed, or the handler finished without enlisting. Returns the
   * handler's own promise (wrapped, or awaiting it would wait for it), which settles only after `settle()`.
   */
  async next(invoke: () => Promise<unknown>): Promise<{ invocation: Promise<unknown> }> {
    const slot = new Slot(this);
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
  async enlist<O>(slot: Slot, participant: BatchParticipant<O>, options: O): Promise<void> {
    const entry: Enlisted = { participant: participant as BatchParticipant<unknown>, options, settled: deferred() };
    this.enlisted.push(entry);
    if (!this.failure) {
      try {
        this.runner ??= await participant.begin();
        entry.applied = await participant.apply(options, this.runner.manager);
      } catch (error) {
        this.fail(error);
      }
    }
    slot.stepped.resolve();
    return entry.settled.promise;
  }

  /** Commits the batch, or rolls it back and re-runs its messages one at a time; settles every handler. */
  async settle(): Promise<void> {
    const runner = this.runner;
    if (runner) {
      try {
        if (this.failure) await runner.rollbackTransaction();
        else await runner.commitTransaction();
      } catch (error) {
        // A failed COMMIT may or may not have committed: the re-run's inbox check tells which.
        this.fail(error);
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      } finally {
        await runner.release();
      }
    }
    if (!this.failure) {
      for (const entry of this.enlisted) {
        entry.applied?.afterCommit();
        entry.settled.resolve();
      }
      return;
    }
    if (this.enlisted.length > 0) this.enlisted[0].participant.onFallback(this.enlisted.length, this.failure.error);
    for (const [index, entry] of this.enlisted.entries()) {
      try {
        await entry.participant.processOne(entry.options);
        entry.settled.resolve();
      } catch (error) {
        // Redelivered from this message on (kafkajs seeks back): the later ones must not run before it.
        for (const rest of this.enlisted.slice(index)) rest.settled.reject(error);
        return;
      }
    }
  }

  private fail(error: unknown): void {
    this.failure ??= { error };
  }
}

class Slot implements BatchSlot {
  readonly stepped = deferred();
  enlisted = false;

  constructor(private readonly batch: MessageBatch) {}

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
