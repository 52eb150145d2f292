import { CustomStrategy } from '@nestjs/microservices';
import { TOPIC_PARTITIONS } from '@order-saga/contracts';
import { BatchingKafkaServer } from './batching-kafka-server';
import type { KafkaClientSecurity } from './kafka-security';
import { MessagingConfig } from './messaging.config';
import { parseBrokers } from './messaging.module';

/**
 * How many partitions of one fetch kafkajs hands over at once: every partition of the four topics a
 * service consumes at most. kafkajs fetches again only after every batch of the previous fetch was
 * handled, so with fewer workers replies queue while the CPU idles (order-service with 6: StockReserved
 * waited ~1 s in Kafka at 25 orders/s; docs/performance.md). BatchingKafkaServer applies the batches
 * handed over together in one transaction, so more workers mean fewer, larger transactions, not more
 * connections (only a failed round's one-at-a-time re-run uses one per partition).
 */
export const DEFAULT_CONSUMER_CONCURRENCY = 4 * TOPIC_PARTITIONS;

const DEFAULTS = new MessagingConfig();

/**
 * A service's Kafka consumer (Nest hybrid app) on BatchingKafkaServer: a fetch's messages, all its
 * partitions, in one transaction. Values are kept as raw bytes so an undecodable message can be dead-lettered
 * exactly as it arrived.
 *
 * Offsets: kafkajs' autoCommit only ever commits offsets that were *resolved*, and BatchingKafkaServer
 * resolves one only after the handler's promise resolved, i.e. after the transaction holding the
 * message's effect committed (or the message was dead-lettered). A crash before that leaves the offset
 * uncommitted and the message is redelivered; the inbox makes the redelivery of an already-committed
 * effect a no-op. A message that must be redelivered makes kafkajs seek back to it.
 *
 * `fromBeginning`: a consumer group that has no committed offset yet (first deploy, new consumer)
 * starts at the oldest message, not the newest, so commands published before it first joined are
 * not skipped. Re-reading old messages is harmless because of the inbox.
 */
export function kafkaConsumerOptions(
  service: string,
  brokers: string,
  {
    concurrency = DEFAULT_CONSUMER_CONCURRENCY,
    messaging = {},
    security = {},
  }: {
    concurrency?: number;
    messaging?: Partial<
      Pick<MessagingConfig, 'KAFKA_FETCH_MIN_BYTES' | 'KAFKA_FETCH_MAX_WAIT_MS' | 'KAFKA_OFFSET_COMMIT_INTERVAL_MS' | 'KAFKA_CONSUMER_LINGER_MS'>
    >;
    /** TLS and SASL (kafkaClientSecurity); none: plaintext. */
    security?: KafkaClientSecurity;
  } = {},
): CustomStrategy {
  return {
    strategy: new BatchingKafkaServer(
      {
        postfixId: '',
        client: { clientId: service, brokers: parseBrokers(brokers), retry: { initialRetryTime: 200, retries: 8 }, ...security },
        // A SIGKILLed replica's partitions move to the others after sessionTimeout, not kafkajs' 30 s default.
        consumer: {
          groupId: service,
          allowAutoTopicCreation: false,
          sessionTimeout: 10_000,
          heartbeatInterval: 2_000,
          retry: { initialRetryTime: 200, retries: 8 },
          // Unset: kafkajs' own defaults (1 byte, 5 s), which MessagingConfig's defaults repeat.
          minBytes: messaging.KAFKA_FETCH_MIN_BYTES,
          maxWaitTimeInMs: messaging.KAFKA_FETCH_MAX_WAIT_MS,
        },
        subscribe: { fromBeginning: true },
        // Workers for the partitions of one fetch: see DEFAULT_CONSUMER_CONCURRENCY. Order per partition
        // (per order id) is kept whatever the number: kafkajs never runs one partition's messages in parallel.
        run: { autoCommit: true, partitionsConsumedConcurrently: concurrency },
        parser: { keepBinary: true },
      },
      {
        commitIntervalMs: messaging.KAFKA_OFFSET_COMMIT_INTERVAL_MS ?? DEFAULTS.KAFKA_OFFSET_COMMIT_INTERVAL_MS,
        lingerMs: messaging.KAFKA_CONSUMER_LINGER_MS ?? DEFAULTS.KAFKA_CONSUMER_LINGER_MS,
      },
    ),
  };
}
