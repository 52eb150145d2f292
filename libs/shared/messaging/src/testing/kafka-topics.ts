import { randomUUID } from 'node:crypto';
import { Consumer, ITopicConfig, Kafka, KafkaMessage } from 'kafkajs';
import { waitForConsumerGroup } from '../consumer-group';

/** Creates a suite's topics, resolving once each partition has its leader (a send right after cannot miss it). */
export async function createTopics(kafka: Kafka, topics: ITopicConfig[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics });
  } finally {
    await admin.disconnect();
  }
}

/** Every message of some topics, as a plain (non-Nest) consumer sees them, in arrival order. */
export class TopicTap {
  readonly messages: { topic: string; partition: number; message: KafkaMessage }[] = [];
  private consumer: Consumer | undefined;

  async start(kafka: Kafka, topics: string[]): Promise<void> {
    const groupId = `tap-${randomUUID()}`;
    this.consumer = kafka.consumer({ groupId });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({ eachMessage: async ({ topic, partition, message }) => void this.messages.push({ topic, partition, message }) });
    await waitForConsumerGroup(kafka, groupId);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
