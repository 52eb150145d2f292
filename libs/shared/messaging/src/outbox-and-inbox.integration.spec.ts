import { randomBytes, randomUUID } from 'node:crypto';
import { Controller, INestApplication, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { defineMessage, MessageEnvelope, TopicName } from '@order-saga/contracts';
import { DatabaseModule } from '@order-saga/shared/database';
import { pollUntil } from '@order-saga/shared/testing';
import { IsInt, IsString } from 'class-validator';
import { Kafka, logLevel } from 'kafkajs';
import { LoggerModule } from 'nestjs-pino';
import { Client } from 'pg';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { kafkaConsumerOptions } from './kafka-microservice';
import { MessageProcessor } from './message-processor';
import { createMessagingTables } from './messaging-tables';
import { MessagingModule } from './messaging.module';
import { Outbox } from './outbox';

/**
 * The outbox relay and the idempotent consumer on a real PostgreSQL and a real Kafka broker
 * (KAFKA_BROKERS, set by `npm test` / `npm run infra`).
 */
const brokers = process.env.KAFKA_BROKERS;
const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const suffix = randomBytes(4).toString('hex');
const database = `messaging_it_${suffix}`;
const topic = `test.event.messaging-it-${suffix}.v1` as TopicName;

class CountMe {
  @IsString()
  counter: string;

  @IsInt()
  by: number;
}
const COUNT_ME = defineMessage('CountMe', topic, CountMe);

class TestSchema1700000000000 implements MigrationInterface {
  name = 'TestSchema1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE counter (name text PRIMARY KEY, value integer NOT NULL)');
    await createMessagingTables(runner);
  }
  async down(): Promise<void> {
    // throwaway database
  }
}

@Controller()
class CountMeConsumer {
  constructor(private readonly processor: MessageProcessor) {}

  @EventPattern(topic)
  async onCountMe(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'it.count-me',
      context,
      accepts: [COUNT_ME],
      handle: async (envelope, manager) => {
        await manager.query(
          `INSERT INTO counter (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = counter.value + EXCLUDED.value`,
          [envelope.payload.counter, envelope.payload.by],
        );
      },
    });
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('outbox relay and idempotent consumer (PostgreSQL + Kafka)', () => {
  let app: INestApplication;
  let dataSource: DataSource;
  const kafka = new Kafka({ clientId: 'messaging-it', brokers: (brokers ?? '').split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();

  beforeAll(async () => {
    if (!brokers) throw new Error('KAFKA_BROKERS is not set: run this suite through `npm test`, or start `npm run infra` first');
    await adminQuery(`CREATE DATABASE ${database}`);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
    await producer.connect();

    const databaseUrl = `${adminUrl.replace(/\/[^/]*$/, '')}/${database}`;
    @Module({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ DATABASE_URL: databaseUrl, KAFKA_BROKERS: brokers, OUTBOX_POLL_INTERVAL_MS: 200 })] }),
        LoggerModule.forRoot({ pinoHttp: { level: 'warn' } }),
        DatabaseModule.forRoot({ entities: [], migrations: [TestSchema1700000000000] }),
        MessagingModule.forRoot(`messaging-it-${suffix}`),
      ],
      controllers: [CountMeConsumer],
    })
    class TestModule {}

    const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.connectMicroservice(kafkaConsumerOptions(`messaging-it-${suffix}`, brokers), { inheritAppConfig: true });
    await app.init();
    await app.startAllMicroservices();
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await producer.disconnect();
    await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  const counter = async (name: string) => {
    const rows: { value: number }[] = await dataSource.query('SELECT value FROM counter WHERE name = $1', [name]);
    return rows[0]?.value;
  };
  const envelopeOf = (payload: CountMe, messageId = randomUUID()): MessageEnvelope<CountMe> => ({
    messageId,
    type: 'CountMe',
    correlationId: payload.counter,
    causationId: null,
    occurredAt: new Date().toISOString(),
    requestId: null,
    traceparent: null,
    payload,
  });

  it('publishes a message appended in a committed transaction and marks it published', async () => {
    const name = `committed-${randomUUID()}`;
    const outbox = app.get(Outbox);
    const envelope = await dataSource.transaction((manager) =>
      outbox.append(manager, COUNT_ME, { counter: name, by: 1 }, { correlationId: name, causationId: null, requestId: 'req-1', traceparent: null }),
    );

    await expect(pollUntil(() => counter(name), { description: 'the consumer to count the message' })).resolves.toBe(1);
    const [row] = await dataSource.query('SELECT published_at FROM outbox WHERE message_id = $1', [envelope.messageId]);
    expect(row.published_at).not.toBeNull();
  });

  it('never publishes a message whose transaction rolled back', async () => {
    const rolledBack = `rolled-back-${randomUUID()}`;
    const after = `after-${randomUUID()}`;
    const outbox = app.get(Outbox);
    const origin = { correlationId: rolledBack, causationId: null, requestId: null, traceparent: null };
    await expect(
      dataSource.transaction(async (manager) => {
        await outbox.append(manager, COUNT_ME, { counter: rolledBack, by: 1 }, origin);
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    await dataSource.transaction((manager) => outbox.append(manager, COUNT_ME, { counter: after, by: 1 }, { ...origin, correlationId: after }));

    await pollUntil(() => counter(after), { description: 'the later message' });
    expect(await counter(rolledBack)).toBeUndefined();
  });

  it('applies a redelivered message (same message id) only once', async () => {
    const name = `redelivered-${randomUUID()}`;
    const value = JSON.stringify(envelopeOf({ counter: name, by: 5 }));
    const sentinel = `sentinel-${randomUUID()}`;

    await producer.send({ topic, messages: [{ key: name, value }, { key: name, value }, { key: name, value: JSON.stringify(envelopeOf({ counter: sentinel, by: 1 })) }] });

    await pollUntil(() => counter(sentinel), { description: 'the message sent after the duplicate' });
    expect(await counter(name)).toBe(5);
  });

  it('parks an undecodable message in dead_letter with its bytes and keeps consuming', async () => {
    const key = `poison-${randomUUID()}`;
    const next = `after-poison-${randomUUID()}`;

    await producer.send({ topic, messages: [{ key, value: '{"not":"an envelope"' }, { key, value: JSON.stringify(envelopeOf({ counter: next, by: 1 })) }] });

    await pollUntil(() => counter(next), { description: 'the message after the poison one' });
    const [dead] = await dataSource.query(`SELECT convert_from(value, 'UTF8') AS value, error FROM dead_letter WHERE convert_from(message_key, 'UTF8') = $1`, [key]);
    expect(dead).toEqual({ value: '{"not":"an envelope"', error: 'message value is not JSON' });
  });
});
