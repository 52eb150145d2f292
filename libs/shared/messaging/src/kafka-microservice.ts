import { KafkaOptions, Transport } from '@nestjs/microservices';
import { parseBrokers } from './messaging.module';

/**
 * Options of a service's Kafka consumer (Nest hybrid app). Values are kept as raw bytes so an
 * undecodable message can be dead-lettered exactly as it arrived. Offsets are auto-committed by
 * kafkajs only for messages whose handler resolved, i.e. after the handler's transaction committed.
 */
export function kafkaConsumerOptions(service: string, brokers: string): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      postfixId: '',
      client: { clientId: service, brokers: parseBrokers(brokers), retry: { initialRetryTime: 200, retries: 8 } },
      consumer: { groupId: service, allowAutoTopicCreation: false, retry: { initialRetryTime: 200, retries: 8 } },
      run: { autoCommit: true, partitionsConsumedConcurrently: 3 },
      parser: { keepBinary: true },
    },
  };
}
