import { KafkaOptions, Transport } from '@nestjs/microservices';
import { TOPIC_PARTITIONS } from '@order-saga/contracts';
import { parseBrokers } from './messaging.module';

/**
 * Options of a service's Kafka consumer (Nest hybrid app). Values are kept as raw bytes so an
 * undecodable message can be dead-lettered exactly as it arrived.
 *
 * Offsets: kafkajs' autoCommit only ever commits offsets it has *resolved*, and with `eachMessage`
 * (what Nest uses) an offset is resolved only after the handler's promise resolved, i.e. after
 * MessageProcessor's transaction committed (or the message was dead-lettered). A crash before that
 * leaves the offset uncommitted and the message is redelivered; the inbox makes the redelivery of an
 * already-committed effect a no-op. A throwing handler makes kafkajs seek back to that message.
 *
 * `fromBeginning`: a consumer group that has no committed offset yet (first deploy, new consumer)
 * starts at the oldest message, not the newest, so commands published before it first joined are
 * not skipped. Re-reading old messages is harmless because of the inbox.
 */
export function kafkaConsumerOptions(service: string, brokers: string): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      postfixId: '',
      client: { clientId: service, brokers: parseBrokers(brokers), retry: { initialRetryTime: 200, retries: 8 } },
      // A SIGKILLed replica's partitions move to the others after sessionTimeout, not kafkajs' 30 s default.
      consumer: { groupId: service, allowAutoTopicCreation: false, sessionTimeout: 10_000, heartbeatInterval: 2_000, retry: { initialRetryTime: 200, retries: 8 } },
      subscribe: { fromBeginning: true },
      // One worker per partition of a topic: a message's handler mostly waits on PostgreSQL, so with
      // fewer workers a backlog builds on idle CPU (bench: tools/bench, docs/performance.md). Order per
      // partition (per order id) is kept either way: kafkajs never runs one partition's messages in parallel.
      run: { autoCommit: true, partitionsConsumedConcurrently: TOPIC_PARTITIONS },
      parser: { keepBinary: true },
    },
  };
}
