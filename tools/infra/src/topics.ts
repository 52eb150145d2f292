import { allTopics, TOPIC_PARTITIONS } from '@order-saga/contracts';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaClientSecurityOptions } from './broker-security';

/** Creates every topic of the contracts library that is missing; existing ones are left alone. */
export async function ensureTopics(brokers: string, security: KafkaClientSecurityOptions = {}): Promise<void> {
  const admin = new Kafka({ clientId: 'order-saga-launcher', brokers: brokers.split(','), logLevel: logLevel.NOTHING, ...security }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = allTopics().filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: TOPIC_PARTITIONS, replicationFactor: 1 })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
