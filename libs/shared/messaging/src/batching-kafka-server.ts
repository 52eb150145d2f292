import { KafkaOptions, ServerKafka } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { consumerBatchMessages } from '@order-saga/shared/observability';
import { MessageBatch } from './message-batch';

/** Messages per transaction at most: a fetch after a backlog can hold thousands, and locks are held until commit. */
export const MAX_MESSAGES_PER_TRANSACTION = 500;

/** The linger follows only a round of at least this many messages (see consumeRound). */
export const LINGER_AFTER_MESSAGES = 2;

/** One partition's batch of a round: its messages are taken in order, `taken` of them so far. */
interface PartitionBatch {
  payload: EachBatchPayload;
  taken: number;
  /** Consumption of this partition stopped (stopping, rebalanced): its untaken messages stay unresolved. */
  stopped: boolean;
  /** A message that must be redelivered: the partition's eachBatch throws it once the round is done. */
  failure?: { error: unknown };
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Nest's Kafka server on kafkajs `eachBatch`: the handlers stay `@EventPattern` methods calling
 * MessageProcessor.process, and the batches of one fetch (one per partition) are applied in ONE
 * transaction (MessageBatch), each partition's messages in order. kafkajs calls eachBatch once per
 * partition of a fetch, all in the same tick (partitionsConsumedConcurrently workers); the calls that
 * arrive before a `setImmediate` form a round, consumed in transactions of at most
 * MAX_MESSAGES_PER_TRANSACTION messages. One transaction per round and process also means a process's
 * partitions never deadlock with each other on shared rows.
 *
 * Offsets are resolved only after the transaction committed (or after the one-at-a-time re-run of a
 * failed one), and committed once per transaction, so a crash before then redelivers, and the inbox
 * makes the redelivery of anything already committed a no-op. A message that must be redelivered
 * stops its partition only: that partition's eachBatch throws and kafkajs fetches it again from there.
 */
export class BatchingKafkaServer extends ServerKafka {
  private gathering: PartitionBatch[] | undefined;
  private readonly offsets: OffsetCommitter;
  /** Topic → handler route, worked out once per topic (see getRouteFromPattern). */
  private readonly routes = new Map<string, string>();

  private readonly lingerMs: number;
  private readonly clock: RoundClock;

  /**
   * `commitIntervalMs`: 0 commits the offsets of every transaction right after it (one OffsetCommit each);
   * more commits what the transactions resolved at most that often (see OffsetCommitter).
   * `lingerMs`: after a round, the next fetch waits until this long after the round's fetch arrived
   * (MessagingConfig.KAFKA_CONSUMER_LINGER_MS); 0 fetches again at once.
   */
  constructor(
    options: Required<KafkaOptions>['options'],
    { commitIntervalMs = 0, lingerMs = 0, clock = SYSTEM_CLOCK }: { commitIntervalMs?: number; lingerMs?: number; clock?: RoundClock } = {},
  ) {
    super(options);
    this.offsets = new OffsetCommitter(commitIntervalMs);
    this.lingerMs = lingerMs;
    this.clock = clock;
  }

  override async bindEvents(consumer: Consumer): Promise<void> {
    const patterns = [...this.messageHandlers.keys()];
    if (patterns.length > 0) await consumer.subscribe({ ...(this.options.subscribe ?? {}), topics: patterns });
    await consumer.run({
      ...(this.options.run ?? {}),
      // With an interval, kafkajs must not commit after each partition's batch: OffsetCommitter does.
      ...(this.offsets.intervalMs > 0 ? { autoCommit: false } : {}),
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
  }

  /**
   * Nest's lookup first tries `JSON.parse` on the pattern, for object patterns: a topic name makes it throw
   * a SyntaxError, stack trace included, and it looks a message's handler up twice (handleMessage, then
   * handleEvent). The route of a topic never changes, so it is worked out once per topic.
   */
  protected override getRouteFromPattern(pattern: string): string {
    let route = this.routes.get(pattern);
    if (route === undefined) {
      route = super.getRouteFromPattern(pattern);
      this.routes.set(pattern, route);
    }
    return route;
  }

  /** Commits what was resolved and not yet committed, then leaves the group. */
  override async close(): Promise<void> {
    await this.offsets.flush();
    await super.close();
  }

  /** Joins `payload` to the round being gathered; settles when the round is done with this partition. */
  private consumeBatch(payload: EachBatchPayload): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.gathering) {
        const round: PartitionBatch[] = (this.gathering = []);
        setImmediate(() => {
          this.gathering = undefined;
          void this.consumeRound(round);
        });
      }
      this.gathering.push({ payload, taken: 0, stopped: false, resolve, reject });
    });
  }

  /**
   * Applies a round, then settles its partitions' eachBatch calls, which lets kafkajs fetch again. With a
   * linger, after a round of LINGER_AFTER_MESSAGES or more, that happens no sooner than `lingerMs` after the
   * round's fetch arrived, so the next fetch carries what arrived in between (a partition that must be
   * redelivered is settled at once).
   */
  private async consumeRound(round: PartitionBatch[]): Promise<void> {
    const arrivedAt = this.clock.now();
    const done: PartitionBatch[] = [];
    let open = round;
    try {
      while (open.length > 0) {
        await this.consumeInOneTransaction(open);
        const unfinished: PartitionBatch[] = [];
        for (const partition of open) {
          // One that must be redelivered is settled at once: kafkajs fetches it again from its failed message.
          if (partition.failure) finish(partition);
          else if (isDone(partition)) done.push(partition);
          else unfinished.push(partition);
        }
        open = unfinished;
      }
    } catch (error) {
      // The group membership was lost: no linger, kafkajs rejoins.
      for (const partition of open) partition.reject(error);
      for (const partition of done) finish(partition);
      return;
    }
    // Only after a round of several messages: a lone message means traffic is light, and waiting would add
    // latency without gathering anything.
    const applied = done.reduce((sum, partition) => sum + partition.taken, 0);
    const wait = arrivedAt + this.lingerMs - this.clock.now();
    if (wait > 0 && applied >= LINGER_AFTER_MESSAGES && done.some((partition) => partition.payload.isRunning())) await this.clock.sleep(wait);
    for (const partition of done) finish(partition);
  }

  /**
   * Takes up to MAX_MESSAGES_PER_TRANSACTION messages of the open partitions, partition after
   * partition, into one MessageBatch, settles it, then resolves each partition's offsets up to its
   * first message that must be redelivered, and commits them. Throws (after committing) when the
   * group membership was lost meanwhile.
   */
  private async consumeInOneTransaction(open: PartitionBatch[]): Promise<void> {
    const transaction = new MessageBatch();
    const taken: { partition: PartitionBatch; message: KafkaMessage; invocation: Promise<unknown> }[] = [];
    let budget = MAX_MESSAGES_PER_TRANSACTION;
    take: for (const partition of open) {
      const { batch, isRunning, isStale, heartbeat, pause } = partition.payload;
      while (partition.taken < batch.messages.length && budget > 0) {
        if (!isRunning() || isStale()) {
          partition.stopped = true;
          break;
        }
        // A handler failed before it enlisted: nothing more goes into this transaction.
        if (transaction.failed) break take;
        const message = batch.messages[partition.taken++];
        budget--;
        const { invocation } = await transaction.next(
          () => this.handleMessage({ topic: batch.topic, partition: batch.partition, message, heartbeat, pause }),
          partition,
        );
        taken.push({ partition, message, invocation });
      }
    }
    if (taken.length > 0) consumerBatchMessages.observe(taken.length);
    const [{ payload }] = open;
    // A long round keeps the group membership alive (kafkajs sends one only every heartbeatInterval).
    let interrupted: { error: unknown } | undefined;
    await payload.heartbeat().catch((error: unknown) => (interrupted = { error }));
    await transaction.settle();
    for (const { partition, message, invocation } of taken) {
      if (partition.failure) continue;
      try {
        await invocation;
        partition.payload.resolveOffset(message.offset);
      } catch (error) {
        partition.failure = { error };
      }
    }
    // One OffsetCommit for every partition of the transaction (or of every transaction of the interval):
    // kafkajs' own commit after each partition's eachBatch then finds nothing left to commit.
    await this.offsets.resolved(payload);
    if (interrupted) throw interrupted.error;
  }
}

/** Time for the round linger; a test's own makes the wait observable without sleeping. */
export interface RoundClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const SYSTEM_CLOCK: RoundClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The round is done with the partition: every message taken, or its consumption stopped. */
function isDone(partition: PartitionBatch): boolean {
  return partition.stopped || partition.taken === partition.payload.batch.messages.length;
}

/** Settles a partition's eachBatch: rejected with its failure, else resolved. */
function finish(partition: PartitionBatch): void {
  if (partition.failure) partition.reject(partition.failure.error);
  else partition.resolve();
}

/**
 * Commits resolved offsets to the group coordinator. Every offset it commits was resolved after its
 * message's transaction committed, so committing less often never loses a message: a crash or a
 * rebalance redelivers what was resolved since the last commit, and the inbox makes that a no-op. With
 * `intervalMs` 0 it commits after every transaction; with more, at most once per interval while messages
 * flow, and once more `intervalMs` after the last transaction, so an idle consumer's lag reaches 0. At
 * 100 sagas/s that is one OffsetCommit per group per interval instead of one per transaction (about six per
 * saga over the four consuming services). Commits run one at a time, so an older one never lands last.
 */
export class OffsetCommitter {
  private lastCommitAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private latest: Pick<EachBatchPayload, 'commitOffsetsIfNecessary' | 'uncommittedOffsets'> | undefined;
  private committing: Promise<void> = Promise.resolve();

  constructor(
    readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** After a transaction resolved its offsets: commits now if the interval is up, else later. */
  async resolved(payload: Pick<EachBatchPayload, 'commitOffsetsIfNecessary' | 'uncommittedOffsets'>): Promise<void> {
    this.latest = payload;
    if (this.intervalMs <= 0 || this.now() - this.lastCommitAt >= this.intervalMs) return this.commit();
    this.timer ??= setTimeout(() => void this.commit().catch(() => undefined), this.intervalMs).unref();
  }

  /** Commits whatever is resolved and uncommitted (shutdown). */
  flush(): Promise<void> {
    return this.commit().catch(() => undefined);
  }

  private commit(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const payload = this.latest;
    if (!payload) return this.committing;
    this.committing = this.committing
      .catch(() => undefined)
      .then(async () => {
        this.lastCommitAt = this.now();
        const offsets = payload.uncommittedOffsets();
        if (offsets.topics.some((topic) => topic.partitions.length > 0)) await payload.commitOffsetsIfNecessary(offsets);
      });
    return this.committing;
  }
}
