import { KafkaOptions, ServerKafka } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { MessageBatch } from './message-batch';

/** Messages per transaction at most: a fetch after a backlog can hold thousands, and locks are held until commit. */
export const MAX_MESSAGES_PER_TRANSACTION = 500;

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

  constructor(options: Required<KafkaOptions>['options']) {
    super(options);
  }

  override async bindEvents(consumer: Consumer): Promise<void> {
    const patterns = [...this.messageHandlers.keys()];
    if (patterns.length > 0) await consumer.subscribe({ ...(this.options.subscribe ?? {}), topics: patterns });
    await consumer.run({ ...(this.options.run ?? {}), eachBatchAutoResolve: false, eachBatch: (payload) => this.consumeBatch(payload) });
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

  private async consumeRound(round: PartitionBatch[]): Promise<void> {
    let open = round;
    try {
      while (open.length > 0) {
        await this.consumeInOneTransaction(open);
        open = open.filter((partition) => !finish(partition));
      }
    } catch (error) {
      for (const partition of open) partition.reject(error);
    }
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
        const { invocation } = await transaction.next(() => this.handleMessage({ topic: batch.topic, partition: batch.partition, message, heartbeat, pause }), partition);
        taken.push({ partition, message, invocation });
      }
    }
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
    // One OffsetCommit for every partition of the transaction: kafkajs' own commit after each
    // partition's eachBatch then finds nothing left to commit.
    await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
    if (interrupted) throw interrupted.error;
  }
}

/** Settles a partition's eachBatch if the round is done with it; true if it did. */
function finish(partition: PartitionBatch): boolean {
  if (partition.failure) partition.reject(partition.failure.error);
  else if (partition.stopped || partition.taken === partition.payload.batch.messages.length) partition.resolve();
  else return false;
  return true;
}
