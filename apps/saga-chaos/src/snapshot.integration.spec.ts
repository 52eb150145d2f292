import { randomUUID } from 'node:crypto';
import { ENVELOPE_HEADERS } from '@order-saga/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { readMessageIdsInKafka } from './snapshot';

/** The read-back the chaos run compares the relays' published outbox rows with, on the real broker of `npm test`. */
describe('reading message ids back from Kafka', () => {
  const brokers = process.env.KAFKA_BROKERS;
  const topics = [`chaos-readback-a-${randomUUID()}`, `chaos-readback-b-${randomUUID()}`];
  const emptyTopic = `chaos-readback-empty-${randomUUID()}`;
  const kafka = new Kafka({ clientId: 'chaos-readback-spec', brokers: (brokers ?? '').split(','), logLevel: logLevel.NOTHING });

  beforeAll(async () => {
    if (!brokers) throw new Error('KAFKA_BROKERS is not set: run this suite through `npm test`, or start `npm run infra` first');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [...topics, emptyTopic].map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })) });
    await admin.disconnect();
  });

  it('finds the id of every message on every partition of the topics, and only those', async () => {
    const sent = new Map(topics.map((topic) => [topic, Array.from({ length: 20 }, () => randomUUID())]));
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      for (const [topic, ids] of sent) {
        // Keys spread the messages over the partitions; one partition of a topic may stay empty.
        await producer.send({
          topic,
          acks: -1,
          messages: ids.map((id, index) => ({ key: `order-${index}`, value: '{}', headers: { [ENVELOPE_HEADERS.messageId]: id } })),
        });
      }
    } finally {
      await producer.disconnect();
    }

    const found = await readMessageIdsInKafka(brokers ?? '', topics, 30_000);

    expect([...found].sort()).toEqual([...sent.values()].flat().sort());
    expect(found.has(randomUUID())).toBe(false);
  });

  it('returns no id for a topic that holds no message (there is no end to wait for)', async () => {
    await expect(readMessageIdsInKafka(brokers ?? '', [emptyTopic], 30_000)).resolves.toEqual(new Set());
  });
});
