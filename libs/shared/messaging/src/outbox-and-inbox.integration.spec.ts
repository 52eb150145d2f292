import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { INestApplication, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { DEAD_LETTER_HEADERS, MessageEnvelope, TopicName } from '@order-saga/contracts';
import { DatabaseModule } from '@order-saga/shared/database';
import { adminQuery, pollUntil, testEnvelope, withPgClient } from '@order-saga/shared/testing';
import { Consumer, IHeaders, Kafka, KafkaJSError, logLevel, Producer, ProducerConfig } from 'kafkajs';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { waitForConsumerGroup } from './consumer-group';
import { redriveDeadLetters } from './dead-letter-redrive';
import { kafkaConsumerOptions } from './kafka-microservice';
import { KAFKA } from './kafka.tokens';
import { deleteExpiredMessages } from './messaging-retention';
import { MessagingConfig } from './messaging.config';
import { MessagingModule } from './messaging.module';
import { originOf, Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { counterValue, countMeConsumer, countMeFaults, CountMeHandler, countMeSchema, countUnlessFaulty } from './testing/count-me.fixture';
import { CountMe, countMeOn } from './testing/count-me.message';
import { createTopics, TopicTap } from './testing/kafka-topics';

/**
 * The outbox relay and the idempotent consumer on a real PostgreSQL and a real Kafka broker
 * (KAFKA_BROKERS, set by `npm test` / `npm run infra`).
 */
const brokers = process.env.KAFKA_BROKERS;
/** The relays this suite makes by hand log nothing, like the app's (LoggerModule at level silent). */
const quietLogger = new PinoLogger({ pinoHttp: { level: 'silent' } });
const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const suffix = randomBytes(4).toString('hex');
const database = `messaging_it_${suffix}`;
const topic = `test.event.messaging-it-${suffix}.v1` as TopicName;
const group = `messaging-it-${suffix}`;
/** `<owner>.<name>`, so its dead-letter topic is `<owner>.deadletter.<name>.v1`. */
const consumerName = `it${suffix}.count-me`;
const deadLetterTopic = `it${suffix}.deadletter.count-me.v1`;
const crashTopic = `test.event.crash-it-${suffix}.v1` as TopicName;
const faults = countMeFaults(suffix);
const { failing, poisonPrefix } = faults;
/** Counters with this prefix record, outside any transaction, each time their handler runs and in which transaction. */
const tracedPrefix = `traced-${suffix}-`;
/** Counters with this prefix (but not their echoes) also append a CountMe for `<counter>:echo` to the outbox, in the handler's transaction. */
const echoPrefix = `echo-${suffix}-`;

const COUNT_ME = countMeOn(topic);

const TestSchema = countMeSchema(
  'CREATE TABLE delivery (id bigserial PRIMARY KEY, message_id uuid NOT NULL, counter text NOT NULL)',
  'CREATE TABLE handled (id bigserial PRIMARY KEY, counter text NOT NULL, txid bigint NOT NULL)',
);

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
}

describe('outbox relay and idempotent consumer (PostgreSQL + Kafka)', () => {
  let app: INestApplication;
  let dataSource: DataSource;
  let databaseUrl: string;
  const kafka = new Kafka({ clientId: 'messaging-it', brokers: (brokers ?? '').split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  const tap = new TopicTap();
  const extraRelays: OutboxRelay[] = [];

  const count = countUnlessFaulty(faults);
  /**
   * The consumer's handler, in its transaction: a traced counter records the run and its transaction (outside
   * it), the faults fail, an echo counter appends its echo to the outbox once counted.
   */
  const handleCountMe: CountMeHandler = async (envelope, manager) => {
    if (envelope.payload.counter.startsWith(tracedPrefix)) {
      const [{ txid }] = await manager.query('SELECT txid_current()::text AS txid');
      await app.get(DataSource).query('INSERT INTO handled (counter, txid) VALUES ($1, $2)', [envelope.payload.counter, txid]);
    }
    await count(envelope, manager);
    if (envelope.payload.counter.startsWith(echoPrefix) && !envelope.payload.counter.endsWith(':echo')) {
      await app.get(Outbox).append(manager, COUNT_ME, { counter: `${envelope.payload.counter}:echo`, by: envelope.payload.by }, originOf(envelope));
    }
  };

  beforeAll(async () => {
    if (!brokers) throw new Error('KAFKA_BROKERS is not set: run this suite through `npm test`, or start `npm run infra` first');
    await adminQuery(`CREATE DATABASE ${database}`);
    await createTopics(kafka, [
      { topic, numPartitions: 3 },
      { topic: deadLetterTopic, numPartitions: 1 },
      { topic: crashTopic, numPartitions: 1 },
    ]);
    await producer.connect();

    databaseUrl = `${adminUrl.replace(/\/[^/]*$/, '')}/${database}`;
    @Module({
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [
            () => ({ DATABASE_URL: databaseUrl, KAFKA_BROKERS: brokers, OUTBOX_POLL_INTERVAL_MS: 200, MESSAGE_MAX_ATTEMPTS: 3, MESSAGE_RETRY_BACKOFF_MS: 20 }),
          ],
        }),
        LoggerModule.forRoot({ pinoHttp: { level: 'silent' } }),
        DatabaseModule.forRoot({ entities: [], migrations: [TestSchema] }),
        MessagingModule.forRoot(group),
      ],
      controllers: [countMeConsumer(topic, consumerName, handleCountMe)],
    })
    class TestModule {}

    const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.connectMicroservice(kafkaConsumerOptions(group, brokers), { inheritAppConfig: true });
    await app.init();
    await app.startAllMicroservices();
    dataSource = app.get(DataSource);
    // A new group's first join can outlast startAllMicroservices (coordinator still loading); produce only once it is in.
    await waitForConsumerGroup(kafka, group);
    await tap.start(kafka, [topic, deadLetterTopic]);
  });

  afterAll(async () => {
    for (const relay of extraRelays) await relay.onApplicationShutdown();
    await tap.stop();
    await app?.close();
    await producer.disconnect();
    await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  /** When the relay marked the message published: the drain after the one that sent it (a wake-up or the 200 ms poll). */
  const markedPublished = (messageId: string) =>
    pollUntil(async () => (await dataSource.query('SELECT published_at FROM outbox WHERE message_id = $1', [messageId]))[0]?.published_at ?? undefined, {
      description: `outbox row ${messageId} marked published`,
    });

  const counter = (name: string) => counterValue(dataSource, name);
  const envelopeOf = (payload: CountMe) => testEnvelope(COUNT_ME, payload.counter, payload);
  const originFor = (correlationId: string) => ({ correlationId, causationId: null, requestId: null, traceparent: null });
  const newRelay = () => new OutboxRelay(app.get(KAFKA), dataSource, app.get(MessagingConfig), quietLogger);
  /**
   * Three writers at once, each appending 20 messages of its own aggregate (`<prefix>-<n>-…`) one transaction
   * after the other; resolves with the message ids in append order once the consumer counted all of them.
   */
  const appendTwentyEachAtOnce = async (prefix: string) => {
    const aggregates = [0, 1, 2].map((i) => `${prefix}-${i}-${randomUUID()}`);
    const appended: Record<string, string[]> = Object.fromEntries(aggregates.map((aggregate) => [aggregate, []]));
    await Promise.all(
      aggregates.map(async (aggregate) => {
        for (let i = 0; i < 20; i++) {
          const envelope = await dataSource.transaction((manager) =>
            app.get(Outbox).append(manager, COUNT_ME, { counter: aggregate, by: 1 }, originFor(aggregate)),
          );
          appended[aggregate].push(envelope.messageId);
        }
      }),
    );
    for (const aggregate of aggregates)
      await pollUntil(async () => ((await counter(aggregate)) === 20 ? true : undefined), { description: `20 messages of ${aggregate}` });
    return { aggregates, appended };
  };
  const deadLetterWithKey = (key: string) =>
    pollUntil(async () => tap.messages.find((m) => m.topic === deadLetterTopic && m.message.key?.toString() === key), {
      description: `a dead letter keyed ${key}`,
    });

  /** Each query runner's statements (with their parameters) while `run` lasts: a batch's runner is its transaction. */
  const recordingTransactions = async (run: () => Promise<void>) => {
    const transactions: { sql: string; parameters: unknown[] }[][] = [];
    const create = dataSource.createQueryRunner.bind(dataSource);
    dataSource.createQueryRunner = (...args: Parameters<DataSource['createQueryRunner']>) => {
      const runner = create(...args);
      const statements: { sql: string; parameters: unknown[] }[] = [];
      transactions.push(statements);
      const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
      runner.query = ((sql: string, parameters?: unknown[], ...rest: unknown[]) => {
        statements.push({ sql, parameters: (parameters ?? []).flat() });
        return query(sql, parameters, ...rest);
      }) as QueryRunner['query'];
      return runner;
    };
    try {
      await run();
    } finally {
      dataSource.createQueryRunner = create;
    }
    return transactions;
  };
  const kindOf = (sql: string) => /INSERT INTO \w+/.exec(sql)?.[0] ?? sql.trim().split(/\s+/).slice(0, 2).join(' ');

  /**
   * Sends each partition's counters while the consumer is paused, so that the first fetch after it
   * resumes carries every partition's batch: the consumer's last fetch before the sends must be one
   * that started paused (it asks for no partition), or it could return some of them early.
   */
  const inOneFetch = async (batches: { partition: number; names: string[] }[]) => {
    const [, consumer] = app.getMicroservices()[0].unwrap<[unknown, Consumer]>();
    consumer.pause([{ topic }]);
    let removeListener = () => undefined as unknown;
    const pausedFetch = new Promise<void>((resolve) => (removeListener = consumer.on(consumer.events.FETCH_START, () => resolve())));
    try {
      await pausedFetch;
    } finally {
      removeListener();
    }
    try {
      await producer.send({
        topic,
        messages: batches.flatMap(({ partition, names }) =>
          names.map((name) => ({ partition, key: `round-${partition}`, value: JSON.stringify(envelopeOf({ counter: name, by: 1 })) })),
        ),
      });
    } finally {
      consumer.resume([{ topic }]);
    }
  };

  it('publishes a message appended in a committed transaction and marks it published with the next drain', async () => {
    const name = `committed-${randomUUID()}`;
    const outbox = app.get(Outbox);
    const envelope = await dataSource.transaction((manager) =>
      outbox.append(manager, COUNT_ME, { counter: name, by: 1 }, { correlationId: name, causationId: null, requestId: 'req-1', traceparent: null }),
    );

    await expect(pollUntil(() => counter(name), { description: 'the consumer to count the message' })).resolves.toBe(1);
    await expect(markedPublished(envelope.messageId)).resolves.toBeInstanceOf(Date);
  });

  it('appendAll writes several messages in one statement, in the order given, and they are consumed in that order', async () => {
    const name = `append-all-${randomUUID()}`;
    const origin = originFor(name);
    const envelopes = await dataSource.transaction((manager) =>
      app.get(Outbox).appendAll(
        manager,
        [1, 2, 3, 4].map((by) => ({ definition: COUNT_ME, payload: { counter: name, by }, origin })),
      ),
    );

    expect(envelopes.map((envelope) => envelope.payload)).toEqual([1, 2, 3, 4].map((by) => ({ counter: name, by })));
    const rows: { message_id: string }[] = await dataSource.query('SELECT message_id FROM outbox WHERE message_key = $1 ORDER BY id', [name]);
    expect(rows.map((row) => row.message_id)).toEqual(envelopes.map((envelope) => envelope.messageId));
    await pollUntil(async () => ((await counter(name)) === 10 ? true : undefined), { description: 'the four messages to be counted' });
    const received = () =>
      tap.messages.filter((m) => m.topic === topic && m.message.key?.toString() === name).map((m) => header(m.message.headers, 'message-id'));
    await pollUntil(async () => (received().length >= 4 ? true : undefined), { description: 'the tap to see the four messages' });
    expect(received()).toEqual(envelopes.map((envelope) => envelope.messageId));
  });

  it('appends without any NOTIFY: nothing reaches a listener of the outbox channel, and the insert has no pg_notify', async () => {
    const name = `quiet-${randomUUID()}`;
    const statements: string[] = [];
    await withPgClient(databaseUrl, async (listener) => {
      const heard: string[] = [];
      listener.on('notification', (notification) => heard.push(`${notification.channel}:${notification.payload}`));
      await listener.query('LISTEN outbox');
      await dataSource.transaction(async (manager) => {
        const query = manager.query.bind(manager);
        manager.query = ((sql: string, parameters?: unknown[]) => {
          statements.push(sql);
          return query(sql, parameters);
        }) as EntityManager['query'];
        await app.get(Outbox).append(manager, COUNT_ME, { counter: name, by: 1 }, originFor(name));
      });
      await pollUntil(() => counter(name), { description: 'the message to be published and counted' });
      // Notifications arrive in commit order: one sent now comes after any the append could have caused.
      await listener.query(`NOTIFY outbox, 'sentinel'`);
      await pollUntil(async () => (heard.includes('outbox:sentinel') ? true : undefined), { description: 'the sentinel notification' });
      expect(heard).toEqual(['outbox:sentinel']);
    });
    expect(statements).toHaveLength(1);
    expect(statements[0]).not.toMatch(/notify/i);
  });

  it('never publishes a message whose transaction rolled back', async () => {
    const rolledBack = `rolled-back-${randomUUID()}`;
    const after = `after-${randomUUID()}`;
    const outbox = app.get(Outbox);
    const origin = originFor(rolledBack);
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

    await producer.send({
      topic,
      messages: [
        { key: name, value },
        { key: name, value },
        { key: name, value: JSON.stringify(envelopeOf({ counter: sentinel, by: 1 })) },
      ],
    });

    await pollUntil(() => counter(sentinel), { description: 'the message sent after the duplicate' });
    expect(await counter(name)).toBe(5);
  });

  it('applies the messages of one fetch for a partition in one transaction, in order', async () => {
    const key = `batch-${randomUUID()}`;
    const names = [0, 1, 2, 3, 4].map((i) => `${tracedPrefix}batch-${i}-${randomUUID()}`);

    // One send, one key: one record batch on one partition, so one fetch hands the consumer all five.
    await producer.send({ topic, messages: names.map((name) => ({ key, value: JSON.stringify(envelopeOf({ counter: name, by: 1 })) })) });

    for (const name of names) await pollUntil(() => counter(name), { description: `${name} counted` });
    const runs: { counter: string; txid: string }[] = await dataSource.query('SELECT counter, txid FROM handled WHERE counter = ANY($1) ORDER BY id', [names]);
    expect(runs.map((run) => run.counter)).toEqual(names);
    expect(new Set(runs.map((run) => run.txid)).size).toBe(1);
  });

  it("applies a fetch's batch in N + 4 statements: one inbox insert for all, the effects, one outbox insert for all, in message order", async () => {
    const key = `echo-batch-${randomUUID()}`;
    const names = [0, 1, 2, 3, 4].map((i) => `${echoPrefix}${i}-${randomUUID()}`);

    const transactions = await recordingTransactions(async () => {
      await producer.send({ topic, messages: names.map((name) => ({ key, value: JSON.stringify(envelopeOf({ counter: name, by: 1 })) })) });
      for (const name of names) await pollUntil(() => counter(name), { description: `${name} counted` });
    });

    const batch = transactions.find(
      (statements) => kindOf(statements[0]?.sql ?? '') === 'START TRANSACTION' && statements.some((statement) => statement.parameters.includes(names[0])),
    );
    expect(batch?.map((statement) => kindOf(statement.sql))).toEqual([
      'START TRANSACTION',
      'INSERT INTO inbox',
      ...names.map(() => 'INSERT INTO counter'),
      'INSERT INTO outbox',
      'COMMIT',
    ]);
    const echoes = names.map((name) => `${name}:echo`);
    const appended: { counter: string }[] = await dataSource.query(
      `SELECT envelope->'payload'->>'counter' AS counter FROM outbox WHERE envelope->'payload'->>'counter' = ANY($1) ORDER BY id`,
      [echoes],
    );
    expect(appended.map((row) => row.counter)).toEqual(echoes);
    for (const echo of echoes) await pollUntil(() => counter(echo), { description: `${echo} published and counted` });
  });

  it('skips a message already in the inbox from an earlier batch and applies the fresh ones around it in the same transaction', async () => {
    const key = `dedup-across-${randomUUID()}`;
    const repeated = JSON.stringify(envelopeOf({ counter: `repeated-${randomUUID()}`, by: 5 }));
    const repeatedName = (JSON.parse(repeated) as MessageEnvelope<CountMe>).payload.counter;
    await producer.send({ topic, messages: [{ key, value: repeated }] });
    await pollUntil(() => counter(repeatedName), { description: 'the first delivery' });
    const before = `${tracedPrefix}before-repeat-${randomUUID()}`;
    const after = `${tracedPrefix}after-repeat-${randomUUID()}`;

    await producer.send({
      topic,
      messages: [
        { key, value: JSON.stringify(envelopeOf({ counter: before, by: 1 })) },
        { key, value: repeated },
        { key, value: JSON.stringify(envelopeOf({ counter: after, by: 1 })) },
      ],
    });

    await pollUntil(() => counter(after), { description: 'the message after the repeated one' });
    expect(await counter(repeatedName)).toBe(5);
    expect(await counter(before)).toBe(1);
    const runs: { counter: string; txid: string }[] = await dataSource.query('SELECT counter, txid FROM handled WHERE counter = ANY($1) ORDER BY id', [
      [before, after],
    ]);
    expect(runs.map((run) => run.counter)).toEqual([before, after]);
    expect(runs[0].txid).toBe(runs[1].txid);
  });

  it('applies the batches of one fetch for several partitions in one transaction, each partition in order', async () => {
    const perPartition = [0, 1, 2].map((partition) => [0, 1].map((i) => `${tracedPrefix}round-${partition}-${i}-${randomUUID()}`));

    await inOneFetch(perPartition.map((names, partition) => ({ partition, names })));

    for (const name of perPartition.flat()) await pollUntil(() => counter(name), { description: `${name} counted` });
    const runs: { counter: string; txid: string }[] = await dataSource.query('SELECT counter, txid FROM handled WHERE counter = ANY($1) ORDER BY id', [
      perPartition.flat(),
    ]);
    expect(new Set(runs.map((run) => run.txid)).size).toBe(1);
    for (const names of perPartition) expect(runs.map((run) => run.counter).filter((name) => names.includes(name))).toEqual(names);
  });

  it('when one partition of a fetch holds a poison message, re-runs the fetch one message at a time: every other message applied once, in order, the poison one dead-lettered', async () => {
    const poison = `${poisonPrefix}round-${randomUUID()}`;
    const perPartition = [0, 1, 2].map((partition) =>
      partition === 1
        ? [`${tracedPrefix}round-before-${randomUUID()}`, poison, `${tracedPrefix}round-after-${randomUUID()}`]
        : [`${tracedPrefix}round-${partition}-${randomUUID()}`],
    );
    const applied = perPartition.flat().filter((name) => name !== poison);

    await inOneFetch(perPartition.map((names, partition) => ({ partition, names })));

    for (const name of applied) await pollUntil(() => counter(name), { timeoutMs: 30_000, description: `${name} counted` });
    const dead = await pollUntil(
      async () => tap.messages.find((m) => m.topic === deadLetterTopic && JSON.parse(String(m.message.value)).payload?.counter === poison),
      { description: 'the poison message dead-lettered' },
    );
    expect(header(dead.message.headers, DEAD_LETTER_HEADERS.error)).toBe('failed after 3 attempts: handler bug: never counts this');
    for (const name of applied) expect(await counter(name)).toBe(1);
    expect(await counter(poison)).toBeUndefined();
    // The round's transaction ran the effects up to the poison one (in whatever order the partitions
    // came), rolled back, and every message then ran once alone, each partition in order.
    const runs: { counter: string; txid: string }[] = await dataSource.query('SELECT counter, txid FROM handled WHERE counter = ANY($1) ORDER BY id', [
      applied,
    ]);
    const [before, , after] = perPartition[1];
    const lastRun = (name: string) => runs.map((run) => run.counter).lastIndexOf(name);
    expect(lastRun(before)).toBeLessThan(lastRun(after));
    const inTheRound = runs.filter((run, index) => index !== lastRun(run.counter));
    expect(inTheRound.map((run) => run.counter)).toContain(before);
    expect(new Set(inTheRound.map((run) => run.txid)).size).toBe(1);
    expect(runs).toHaveLength(applied.length + inTheRound.length);
  });

  it('rolls back a batch holding a poison message and re-runs it one message at a time: the others applied once, the poison one dead-lettered', async () => {
    const key = `poison-batch-${randomUUID()}`;
    const before = `${tracedPrefix}before-poison-${randomUUID()}`;
    const poison = `${poisonPrefix}${randomUUID()}`;
    const after = `${tracedPrefix}after-poison-${randomUUID()}`;

    await producer.send({ topic, messages: [before, poison, after].map((name) => ({ key, value: JSON.stringify(envelopeOf({ counter: name, by: 1 })) })) });

    await pollUntil(() => counter(after), { description: 'the message after the poison one' });
    const dead = await deadLetterWithKey(key);
    expect(header(dead.message.headers, DEAD_LETTER_HEADERS.error)).toBe('failed after 3 attempts: handler bug: never counts this');
    expect(JSON.parse(String(dead.message.value)).payload.counter).toBe(poison);
    expect(await counter(before)).toBe(1);
    expect(await counter(after)).toBe(1);
    expect(await counter(poison)).toBeUndefined();
    // `before` ran twice, in two transactions: the batch's (rolled back) and its own re-run (committed).
    const runs: { counter: string; txid: string }[] = await dataSource.query('SELECT counter, txid FROM handled WHERE counter = ANY($1) ORDER BY id', [
      [before, after],
    ]);
    expect(runs.map((run) => run.counter)).toEqual([before, before, after]);
    expect(runs[0].txid).not.toBe(runs[1].txid);
  });

  it('sends an undecodable message to the dead-letter topic with its bytes, headers and the error, and keeps consuming', async () => {
    const key = `poison-${randomUUID()}`;
    const next = `after-poison-${randomUUID()}`;

    await producer.send({
      topic,
      messages: [
        { key, value: '{"not":"an envelope"', headers: { 'x-request-id': 'req-poison' } },
        { key, value: JSON.stringify(envelopeOf({ counter: next, by: 1 })) },
      ],
    });

    await pollUntil(() => counter(next), { description: 'the message after the poison one' });
    const dead = await deadLetterWithKey(key);
    expect(dead.message.value?.toString()).toBe('{"not":"an envelope"');
    expect(header(dead.message.headers, 'x-request-id')).toBe('req-poison');
    expect(header(dead.message.headers, DEAD_LETTER_HEADERS.originalTopic)).toBe(topic);
    expect(header(dead.message.headers, DEAD_LETTER_HEADERS.consumer)).toBe(consumerName);
    expect(header(dead.message.headers, DEAD_LETTER_HEADERS.error)).toBe('message value is not JSON');
    const [audit] = await dataSource.query(`SELECT convert_from(value, 'UTF8') AS value, error FROM dead_letter WHERE convert_from(message_key, 'UTF8') = $1`, [
      key,
    ]);
    expect(audit).toEqual({ value: '{"not":"an envelope"', error: 'message value is not JSON' });
  });

  it('dead-letters a message whose handler fails on every attempt, and the re-drive applies it exactly once after the fix', async () => {
    const name = `${failing.prefix}${randomUUID()}`;
    const next = `after-broken-${randomUUID()}`;
    const since = new Date();
    await producer.send({
      topic,
      messages: [
        { key: name, value: JSON.stringify(envelopeOf({ counter: name, by: 7 })) },
        { key: name, value: JSON.stringify(envelopeOf({ counter: next, by: 1 })) },
      ],
    });

    await pollUntil(() => counter(next), { description: 'the message after the failing one' });
    const dead = await deadLetterWithKey(name);
    expect(header(dead.message.headers, DEAD_LETTER_HEADERS.error)).toBe('failed after 3 attempts: handler bug: cannot count this yet');
    expect(await counter(name)).toBeUndefined();

    failing.active = false;
    const first = await redriveDeadLetters({ kafka, topic: deadLetterTopic, since });
    expect(first).toEqual({ read: 1, redriven: 1 });
    await expect(pollUntil(() => counter(name), { description: 'the re-driven message' })).resolves.toBe(7);

    // Re-driving again re-publishes it, and the inbox makes that a no-op.
    const sentinel = `after-second-redrive-${randomUUID()}`;
    await expect(redriveDeadLetters({ kafka, topic: deadLetterTopic, since })).resolves.toEqual({ read: 1, redriven: 1 });
    await producer.send({ topic, messages: [{ key: name, value: JSON.stringify(envelopeOf({ counter: sentinel, by: 1 })) }] });
    await pollUntil(() => counter(sentinel), { description: 'a message after the second re-drive, same partition' });
    expect(await counter(name)).toBe(7);
  });

  it('loses nothing when the process dies between the commit and the publish: the next relay publishes it', async () => {
    // The running relay stands for a process that committed and died before publishing.
    await app.get(OutboxRelay).onApplicationShutdown();
    const name = `unpublished-${randomUUID()}`;
    const envelope = await dataSource.transaction((manager) => app.get(Outbox).append(manager, COUNT_ME, { counter: name, by: 3 }, originFor(name)));
    const [before] = await dataSource.query('SELECT published_at FROM outbox WHERE message_id = $1', [envelope.messageId]);
    expect(before.published_at).toBeNull();

    const restarted = newRelay();
    extraRelays.push(restarted);
    await restarted.onApplicationBootstrap();

    await expect(pollUntil(() => counter(name), { description: 'the message published by the restarted relay' })).resolves.toBe(3);
    await expect(markedPublished(envelope.messageId)).resolves.toBeInstanceOf(Date);
  });

  it('marks a sent batch published with the next drain, in the statement that reads the next batch, and the last one at shutdown', async () => {
    // Only this test's relay runs, and its poll is too slow to drain on its own: only this test's commits wake
    // it, each when no drain is running, so each append makes exactly one drain.
    await app.get(OutboxRelay).onApplicationShutdown();
    for (const other of extraRelays.splice(0)) await other.onApplicationShutdown();
    const relay = new OutboxRelay(
      app.get(KAFKA),
      dataSource,
      Object.assign(new MessagingConfig(), app.get(MessagingConfig), { OUTBOX_POLL_INTERVAL_MS: 3_600_000 }),
      quietLogger,
    );
    extraRelays.push(relay);
    await relay.onApplicationBootstrap();
    const leadingAndIdle = () =>
      pollUntil(async () => (relay.isLeader && !relay.draining ? true : undefined), { description: 'the relay leading, no drain running' });
    await leadingAndIdle();
    const publishedAt = async (messageId: string) =>
      (await dataSource.query('SELECT published_at FROM outbox WHERE message_id = $1', [messageId]))[0].published_at;
    const append = (name: string) => dataSource.transaction((manager) => app.get(Outbox).append(manager, COUNT_ME, { counter: name, by: 1 }, originFor(name)));

    const first = `sent-then-marked-${randomUUID()}`;
    const firstEnvelope = await append(first);
    await pollUntil(() => counter(first), { description: 'the first message published and counted' });
    await leadingAndIdle();
    expect(await publishedAt(firstEnvelope.messageId)).toBeNull();

    const second = `marks-the-first-${randomUUID()}`;
    const secondEnvelope = await append(second);
    await pollUntil(() => counter(second), { description: 'the second message published and counted' });
    await leadingAndIdle();
    expect(await publishedAt(firstEnvelope.messageId)).toBeInstanceOf(Date);
    expect(await publishedAt(secondEnvelope.messageId)).toBeNull();

    await relay.onApplicationShutdown();
    expect(await publishedAt(secondEnvelope.messageId)).toBeInstanceOf(Date);
  });

  it('after a failed send, publishes with a new producer (new producer id), never again with the one that failed', async () => {
    // A send whose answer never came (a broker restart) leaves kafkajs' idempotent producer with sequence
    // numbers the broker may disagree with; sending on with it, later batches were rejected or even
    // acknowledged without being written (chaos suite). The relay must drop that producer.
    // The only relay running is this test's (another would take the rows and prove nothing).
    await app.get(OutboxRelay).onApplicationShutdown();
    for (const other of extraRelays.splice(0)) await other.onApplicationShutdown();
    const real: Kafka = app.get(KAFKA);
    const created: Producer[] = [];
    const failingOnce = {
      producer: (options?: ProducerConfig) => {
        const producer = real.producer(options);
        if (created.length === 0) {
          let failed = false;
          const sendBatch = producer.sendBatch.bind(producer);
          producer.sendBatch = async (batch) => {
            if (!failed) {
              failed = true;
              throw new KafkaJSError('The broker received an out of order sequence number', { retriable: false });
            }
            return sendBatch(batch);
          };
        }
        created.push(producer);
        return producer;
      },
    } as unknown as Kafka;
    const relay = new OutboxRelay(failingOnce, dataSource, app.get(MessagingConfig), quietLogger);
    extraRelays.push(relay);
    await relay.onApplicationBootstrap();

    const name = `after-failure-${randomUUID()}`;
    const envelope = await dataSource.transaction((manager) => app.get(Outbox).append(manager, COUNT_ME, { counter: name, by: 1 }, originFor(name)));

    await expect(pollUntil(() => counter(name), { description: 'the message published after the failed send' })).resolves.toBe(1);
    await expect(markedPublished(envelope.messageId)).resolves.toBeInstanceOf(Date);
    expect(created).toHaveLength(2);
  });

  it('with two relays running, publishes every message once and in outbox order per aggregate (Kafka key)', async () => {
    const second = newRelay();
    extraRelays.push(second);
    await second.onApplicationBootstrap();
    const { aggregates, appended } = await appendTwentyEachAtOnce('ordered');

    for (const aggregate of aggregates) {
      const received = tap.messages
        .filter((m) => m.topic === topic && m.message.key?.toString() === aggregate)
        .map((m) => header(m.message.headers, 'message-id'));
      expect(received).toEqual(appended[aggregate]);
    }
  });

  it("when the leader's connection dies mid-send, the next leader re-sends and the order per key holds", async () => {
    for (const other of extraRelays.splice(0)) await other.onApplicationShutdown();
    const real: Kafka = app.get(KAFKA);
    let sends = 0;
    let killed = false;
    // The first relay's third send: its connection (and with it the lead) is terminated just before the
    // batch goes out, so the batch reaches Kafka and is never marked published.
    const killedMidSend = {
      producer: (options?: ProducerConfig) => {
        const producer = real.producer(options);
        const sendBatch = producer.sendBatch.bind(producer);
        producer.sendBatch = async (batch) => {
          if (++sends === 3) {
            const [{ terminated }] = await dataSource.query(
              `SELECT count(pg_terminate_backend(pid))::int AS terminated FROM pg_locks
                WHERE locktype = 'advisory' AND objid = 7340002 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
            );
            killed = terminated === 1;
          }
          return sendBatch(batch);
        };
        return producer;
      },
    } as unknown as Kafka;
    const first = new OutboxRelay(killedMidSend, dataSource, app.get(MessagingConfig), quietLogger);
    extraRelays.push(first);
    await first.onApplicationBootstrap();
    await pollUntil(async () => (first.isLeader ? true : undefined), { description: 'the first relay to lead' });
    const second = newRelay();
    extraRelays.push(second);
    await second.onApplicationBootstrap();

    const { aggregates, appended } = await appendTwentyEachAtOnce('failover');
    expect(killed).toBe(true);
    // Either may lead now (the first may have taken the lock again on a new connection); never both.
    expect([first, second].filter((relay) => relay.isLeader)).toHaveLength(1);
    const received = (aggregate: string) =>
      tap.messages.filter((m) => m.topic === topic && m.message.key?.toString() === aggregate).map((m) => header(m.message.headers, 'message-id'));
    for (const aggregate of aggregates) {
      await pollUntil(async () => (new Set(received(aggregate)).size === 20 ? true : undefined), { description: `the tap to see all of ${aggregate}` });
      // Consumers apply first occurrences (the inbox drops the copies): those must be in append order.
      expect([...new Set(received(aggregate))]).toEqual(appended[aggregate]);
    }
    // The batch the first relay sent but could not mark went out again.
    expect(aggregates.flatMap(received).length).toBeGreaterThan(60);
  });

  it('wakes the leader in-process when an appending transaction commits, without waiting for its poll', async () => {
    for (const other of extraRelays.splice(0)) await other.onApplicationShutdown();
    const relay = new OutboxRelay(app.get(KAFKA), dataSource, { ...app.get(MessagingConfig), OUTBOX_POLL_INTERVAL_MS: 600_000 }, quietLogger);
    extraRelays.push(relay);
    await relay.onApplicationBootstrap();
    await pollUntil(async () => (relay.isLeader ? true : undefined), { description: 'the relay to lead' });

    const inTransaction = `woken-${randomUUID()}`;
    await dataSource.transaction((manager) => app.get(Outbox).append(manager, COUNT_ME, { counter: inTransaction, by: 1 }, originFor(inTransaction)));
    await expect(pollUntil(() => counter(inTransaction), { timeoutMs: 10_000, description: 'the message appended in a transaction' })).resolves.toBe(1);

    const autocommit = `woken-autocommit-${randomUUID()}`;
    await app.get(Outbox).append(dataSource.manager, COUNT_ME, { counter: autocommit, by: 1 }, originFor(autocommit));
    await expect(pollUntil(() => counter(autocommit), { timeoutMs: 10_000, description: 'the message appended outside a transaction' })).resolves.toBe(1);
  });

  it('with OUTBOX_RELAY_LINGER_MS, one drain (one send) carries the messages of the commits that land during the linger', async () => {
    await app.get(OutboxRelay).onApplicationShutdown();
    for (const other of extraRelays.splice(0)) await other.onApplicationShutdown();
    const real: Kafka = app.get(KAFKA);
    const sent: number[] = [];
    const counting = {
      producer: (options?: ProducerConfig) => {
        const producer = real.producer(options);
        const sendBatch = producer.sendBatch.bind(producer);
        producer.sendBatch = async (batch) => {
          sent.push(batch.topicMessages?.reduce((sum, { messages }) => sum + messages.length, 0) ?? 0);
          return sendBatch(batch);
        };
        return producer;
      },
    } as unknown as Kafka;
    const relay = new OutboxRelay(
      counting,
      dataSource,
      { ...app.get(MessagingConfig), OUTBOX_POLL_INTERVAL_MS: 600_000, OUTBOX_RELAY_LINGER_MS: 1000 },
      quietLogger,
    );
    extraRelays.push(relay);
    await relay.onApplicationBootstrap();
    await pollUntil(async () => (relay.isLeader ? true : undefined), { description: 'the relay to lead' });
    await pollUntil(async () => ((await dataSource.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n === 0 ? true : undefined), {
      description: 'the backlog drained',
    });
    sent.length = 0;

    const names = [0, 1, 2].map((i) => `lingered-${i}-${randomUUID()}`);
    for (const name of names) await dataSource.transaction((manager) => app.get(Outbox).append(manager, COUNT_ME, { counter: name, by: 1 }, originFor(name)));

    for (const name of names) await pollUntil(() => counter(name), { description: `${name} published and counted` });
    expect(sent).toEqual([3]);
  });

  describe('retention', () => {
    const insertAged = (db: { query: (sql: string, values: unknown[]) => Promise<unknown> }, at: Date, published: boolean) =>
      db.query(
        `WITH o AS (INSERT INTO outbox (message_id, topic, message_key, message_type, envelope, created_at, published_at) VALUES ($1, 'aged', 'aged', 'Aged', '{}', $2, $3))
         INSERT INTO inbox (message_id, consumer, received_at) VALUES ($1, 'aged', $2)`,
        [randomUUID(), at, published ? at : null],
      );
    const exists = async (at: Date) => {
      const [{ outbox, inbox }] = await dataSource.query(
        'SELECT (SELECT count(*)::int FROM outbox WHERE created_at = $1) AS outbox, (SELECT count(*)::int FROM inbox WHERE received_at = $1) AS inbox',
        [at],
      );
      return { outbox, inbox };
    };

    it('the leader deletes published outbox rows and inbox rows older than MESSAGING_RETENTION_MS before now, and keeps younger ones', async () => {
      const relay = extraRelays.find((candidate) => candidate.isLeader);
      if (!relay) throw new Error('no relay leads');
      const now = new Date('2020-06-01T00:00:00.000Z');
      const horizon = app.get(MessagingConfig).MESSAGING_RETENTION_MS;
      const older = new Date(now.getTime() - horizon - 60_000);
      const younger = new Date(now.getTime() - horizon + 60_000);
      for (const at of [older, older, younger]) await insertAged(dataSource, at, true);

      await expect(relay.sweepExpired(now)).resolves.toEqual({ outbox: 2, inbox: 2 });
      expect(await exists(older)).toEqual({ outbox: 0, inbox: 0 });
      expect(await exists(younger)).toEqual({ outbox: 1, inbox: 1 });
    });

    it('deletes in chunks until nothing older is left, and never an unpublished outbox row however old', async () => {
      const before = new Date('2019-01-01T00:00:00.000Z');
      const older = new Date(before.getTime() - 1000);
      // In one transaction the relay cannot see: otherwise it would publish the unpublished row.
      await withPgClient(databaseUrl, async (client) => {
        await client.query('BEGIN');
        try {
          for (let i = 0; i < 5; i++) await insertAged(client, older, true);
          await insertAged(client, older, false);
          const statements: string[] = [];
          const counting = { query: (sql: string, values: unknown[]) => (statements.push(sql), client.query(sql, values)) };

          await expect(deleteExpiredMessages(counting, before, 2)).resolves.toEqual({ outbox: 5, inbox: 6 });
          // 5 outbox rows in chunks of 2: 2, 2, 1; 6 inbox rows: 2, 2, 2, 0.
          expect(statements).toHaveLength(7);
          const { rows } = await client.query('SELECT published_at FROM outbox WHERE created_at = $1', [older]);
          expect(rows).toEqual([{ published_at: null }]);
        } finally {
          await client.query('ROLLBACK');
        }
      });
    });
  });

  describe('a consumer process killed with SIGKILL', () => {
    const children: ChildProcess[] = [];
    const crashGroup = `crash${suffix}`;

    const startConsumer = async (crash?: { on: string; at: 'in-transaction' | 'after-commit' }) => {
      const child = spawn(process.execPath, ['-r', join(__dirname, '../../../../tools/register.js'), join(__dirname, 'testing/crashing-consumer.ts')], {
        cwd: join(__dirname, '../../../..'),
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          KAFKA_BROKERS: brokers,
          CRASH_TOPIC: crashTopic,
          CRASH_GROUP: crashGroup,
          CRASH_ON: crash?.on ?? '',
          CRASH_AT: crash?.at ?? '',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      await waitForConsumerGroup(kafka, crashGroup, { timeoutMs: 45_000 });
      return { exited };
    };
    const deliveries = async (name: string) => Number((await dataSource.query('SELECT count(*) AS n FROM delivery WHERE counter = $1', [name]))[0].n);
    const send = (name: string, by = 1) =>
      producer.send({ topic: crashTopic, messages: [{ key: 'crash', value: JSON.stringify(envelopeOf({ counter: name, by })) }] });

    afterEach(async () => {
      for (const child of children.splice(0)) {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
      }
    });

    it('after its transaction committed but before the offset commit: the redelivery has no second effect', async () => {
      const name = `crash-after-commit-${randomUUID()}`;
      const first = await startConsumer({ on: name, at: 'after-commit' });
      await send(name, 4);
      await expect(first.exited).resolves.toBe('SIGKILL');
      expect(await counter(name)).toBe(4);

      await startConsumer();
      const sentinel = `after-restart-${randomUUID()}`;
      await send(sentinel);
      await pollUntil(() => counter(sentinel), { timeoutMs: 45_000, description: 'the restarted consumer to reach the next message' });
      expect(await deliveries(name)).toBe(2);
      expect(await counter(name)).toBe(4);
    }, 120_000);

    it('inside its transaction: nothing was applied, and the message is applied once on restart', async () => {
      const name = `crash-in-transaction-${randomUUID()}`;
      const first = await startConsumer({ on: name, at: 'in-transaction' });
      await send(name, 6);
      await expect(first.exited).resolves.toBe('SIGKILL');
      expect(await counter(name)).toBeUndefined();

      await startConsumer();
      await expect(pollUntil(() => counter(name), { timeoutMs: 45_000, description: 'the restarted consumer to apply the message' })).resolves.toBe(6);
      expect(await deliveries(name)).toBe(2);
    }, 120_000);
    it("inside a batch's transaction: nothing of the batch was applied, and all of it is applied once on restart", async () => {
      const first = `crash-batch-first-${randomUUID()}`;
      const second = `crash-batch-second-${randomUUID()}`;
      const consumer = await startConsumer({ on: second, at: 'in-transaction' });
      // One send: one fetch, one batch, one transaction for both.
      await producer.send({
        topic: crashTopic,
        messages: [first, second].map((name) => ({ key: 'crash', value: JSON.stringify(envelopeOf({ counter: name, by: 2 })) })),
      });
      await expect(consumer.exited).resolves.toBe('SIGKILL');
      expect(await counter(first)).toBeUndefined();

      await startConsumer();
      await expect(pollUntil(() => counter(second), { timeoutMs: 45_000, description: 'the restarted consumer to apply the batch' })).resolves.toBe(2);
      expect(await counter(first)).toBe(2);
      // Its offset was not committed with the batch uncommitted, so it came again.
      expect(await deliveries(first)).toBe(2);
    }, 120_000);
  });
});
