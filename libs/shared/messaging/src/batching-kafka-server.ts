import { KafkaOptions, ServerKafka } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { MessageBatch } from './message-batch';

/** Messages per transaction at most: a fetch after a backlog can hold thousands, and locks are held until commit. */
export const MAX_MESSAGES_PER_TRANSACTION = 500;

/**
 * Nest's Kafka server on kafkajs `eachBatch`: the handlers stay `@EventPattern` methods calling
 * MessageProcessor.process, and one fetch's messages for a partition are applied in order in one
 * transaction (MessageBatch). Offsets are resolved only after that transaction committed (or after the
 * one-at-a-time re-run of a failed batch), so a crash before then redelivers, and the inbox makes the
 * redelivery of anything already committed a no-op. Partitions still run concurrently
 * (partitionsConsumedConcurrently); one partition's messages never do.
 */
export class BatchingKafkaServer extends ServerKafka {
  constructor(options: Required<KafkaOptions>['options']) {
    super(options);
  }

  override async bindEvents(consumer: Consumer): Promise<void> {
    const patterns = [...this.messageHandlers.keys()];
    if (patterns.length > 0) await consumer.subscribe({ ...(this.options.subscribe ?? {}), topics: patterns });
    await consumer.run({ ...(this.options.run ?? {}), eachBatchAutoResolve: false, eachBatch: (payload) => this.consumeBatch(payload) });
  }

  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale } = payload;
    for (let start = 0; start < batch.messages.length && isRunning() && !isStale(); ) {
      const end = await this.consumeInOneTransaction(payload, batch.messages.slice(start, start + MAX_MESSAGES_PER_TRANSACTION));
      if (end === undefined) return;
      start += end;
    }
  }

  /**
   * Returns how many of `messages` are done (offsets resolved), or undefined when consumption of this
   * batch must stop (stopping, rebalanced). Throws, after resolving the offsets before it, at a message
   * that must be redelivered: kafkajs then commits what is resolved and fetches again from there.
   */
  private async consumeInOneTransaction(payload: EachBatchPayload, messages: KafkaMessage[]): Promise<number | undefined> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const transaction = new MessageBatch();
    const invocations: Promise<unknown>[] = [];
    let interrupted: { error: unknown } | undefined;
    for (const message of messages) {
      if (!isRunning() || isStale() || transaction.failed) break;
      const { invocation } = await transaction.next(() => this.handleMessage({ topic: batch.topic, partition: batch.partition, message, heartbeat, pause: payload.pause }));
      invocations.push(invocation);
      // A long batch keeps the group membership alive (kafkajs sends one only every heartbeatInterval).
      await heartbeat().catch((error: unknown) => (interrupted = { error }));
      if (interrupted) break;
    }
    await transaction.settle();
    for (const [index, invocation] of invocations.entries()) {
      await invocation;
      resolveOffset(messages[index].offset);
    }
    await commitOffsetsIfNecessary();
    if (interrupted) throw interrupted.error;
    if (!transaction.failed) return invocations.length === messages.length ? messages.length : undefined;
    // The batch stopped at a failure and its messages were re-run one at a time; the rest go the same way.
    for (const message of messages.slice(invocations.length)) {
      if (!isRunning() || isStale()) return undefined;
      await this.handleMessage({ topic: batch.topic, partition: batch.partition, message, heartbeat, pause: payload.pause });
      resolveOffset(message.offset);
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
    return messages.length;
  }
}
