import { randomBytes, randomUUID } from 'node:crypto';
import { INestApplication, Module, Type } from '@nestjs/common';
import { TopicName } from '@order-saga/contracts';
import type { DeadLetterActionResponseDto, DeadLetterPageResponseDto, DeadLettersRedrivenResponseDto } from '@order-saga/contracts/http/operator';
import { KafkaServiceConfig, TypedConfigModule } from '@order-saga/shared/config';
import { DatabaseModule } from '@order-saga/shared/database';
import { metricsRegistry } from '@order-saga/shared/observability';
import { pollUntil, ServiceUnderTest, startServiceUnderTest, testEnvelope, testKafkaBrokers } from '@order-saga/shared/testing';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { LoggingModule } from '@order-saga/shared/logging';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { serveWithConsumers } from '../consumer-group';
import { createDeadLetterOperations } from '../messaging-tables';
import { MessagingModule } from '../messaging.module';
import { counterValue, countMeConsumer, countMeFaults, countMeSchema, countUnlessFaulty } from '../testing/count-me.fixture';
import { CountMe, countMeOn } from '../testing/count-me.message';
import { createTopics, TopicTap } from '../testing/kafka-topics';
import { DeadLettersModule } from './dead-letters.module';

/**
 * The operators' dead-letter routes on real PostgreSQL and Kafka (KAFKA_BROKERS, set by `npm test`): a test
 * module with one consumer (CountMe, counted in `counter`), the messaging library and DeadLettersModule,
 * served over HTTP as a service serves them (createServiceApp: validation, error format).
 */
const suffix = randomBytes(4).toString('hex');
const topic = `test.event.dead-letters-it-${suffix}.v1` as TopicName;
const group = `dead-letters-it-${suffix}`;
const consumerName = `dl${suffix}.count-me`;
const deadLetterTopic = `dl${suffix}.deadletter.count-me.v1`;
const OPERATOR = 'ops@example.com';
const faults = countMeFaults(suffix);
const { failing, poisonPrefix } = faults;
const COUNT_ME = countMeOn(topic);
const CountMeConsumer = countMeConsumer(topic, consumerName, countUnlessFaulty(faults));
const TestSchema = countMeSchema();

class DeadLetterOperations1700000000001 implements MigrationInterface {
  name = 'DeadLetterOperations1700000000001';
  async up(runner: QueryRunner): Promise<void> {
    await createDeadLetterOperations(runner);
  }
  async down(): Promise<void> {
    // throwaway database
  }
}

/**
 * A Kafka service reduced to the dead-letter routes and one consumer. Made once the environment is set: its
 * config is validated as the module is declared.
 */
function testModule(): Type<unknown> {
  @Module({
    imports: [
      TypedConfigModule.forRoot(KafkaServiceConfig),
      LoggingModule.forRoot(group),
      DatabaseModule.forRoot({ entities: [], migrations: [TestSchema, DeadLetterOperations1700000000001] }),
      MessagingModule.forRoot(group),
      DeadLettersModule,
    ],
    controllers: [CountMeConsumer],
  })
  class TestModule {}
  return TestModule;
}

interface Answer<T = Record<string, unknown>> {
  status: number;
  replayed: string | null;
  text: string;
  body: T;
}

describe('operators and dead letters: list, redrive once, discard (HTTP + PostgreSQL + Kafka)', () => {
  const brokers = testKafkaBrokers();
  const kafka = new Kafka({ clientId: 'dead-letters-it', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const producer: Producer = kafka.producer();
  const tap = new TopicTap();
  let service: ServiceUnderTest | undefined;
  let app: INestApplication;
  let dataSource: DataSource;
  let baseUrl: string;

  beforeAll(async () => {
    // Its database and environment; the app is made below as a service makes it (createServiceApp).
    service = await startServiceUnderTest({
      name: 'dead_letters',
      module: async () => testModule(),
      env: { KAFKA_BROKERS: brokers, OUTBOX_POLL_INTERVAL_MS: '200', MESSAGE_MAX_ATTEMPTS: '2', MESSAGE_RETRY_BACKOFF_MS: '10' },
    });
    await createTopics(kafka, [
      { topic, numPartitions: 1 },
      { topic: deadLetterTopic, numPartitions: 1 },
    ]);
    await producer.connect();

    ({ app, baseUrl } = await serveWithConsumers(testModule(), { group, brokers, kafka }));
    dataSource = app.get(DataSource);
    await tap.start(kafka, [deadLetterTopic]);
  }, 90_000);

  afterAll(async () => {
    await tap.stop();
    await app?.close();
    await producer.disconnect();
    await service?.stop();
  });

  const call = async <T = Record<string, unknown>>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    operator: string | null = OPERATOR,
  ): Promise<Answer<T>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(operator ? { 'x-operator-id': operator } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, replayed: response.headers.get('idempotent-replayed'), text, body: JSON.parse(text) as T };
  };
  const action = (reason = 'the handler is fixed in 1.4.2') => ({ action_id: randomUUID(), reason });

  const envelopeOf = (payload: CountMe) => testEnvelope(COUNT_ME, payload.counter, payload);
  const counter = (name: string) => counterValue(dataSource, name);
  const rowOf = async (id: string) =>
    (
      (await dataSource.query('SELECT status, settled_by, settled_reason, settled_action_id::text AS settled_action_id FROM dead_letter WHERE id = $1', [
        id,
      ])) as {
        status: string;
        settled_by: string | null;
        settled_reason: string | null;
        settled_action_id: string | null;
      }[]
    )[0];
  /** Sends `value` keyed `key` and resolves with its dead letter's id once it is parked (row and topic). */
  const park = async (key: string, value: string, headers: Record<string, string> = {}): Promise<string> => {
    await producer.send({ topic, messages: [{ key, value, headers }] });
    await pollUntil(async () => tap.messages.find(({ message }) => message.key?.toString() === key), {
      description: `a dead letter keyed ${key} on ${deadLetterTopic}`,
    });
    const [row]: { id: string }[] = await dataSource.query(`SELECT id::text AS id FROM dead_letter WHERE convert_from(message_key, 'UTF8') = $1`, [key]);
    return row.id;
  };
  /** A message after the others on the (one-partition) topic, counted: the consumer has got past everything sent before it. */
  const consumedUpToNow = async () => {
    const sentinel = `sentinel-${randomUUID()}`;
    await producer.send({ topic, messages: [{ key: sentinel, value: JSON.stringify(envelopeOf({ counter: sentinel, by: 1 })) }] });
    await pollUntil(() => counter(sentinel), { description: 'a message sent after the others' });
  };
  const depth = async () => (await metricsRegistry.getSingleMetric('order_saga_dead_letter_depth')?.get())?.values[0]?.value;

  it('parks a message its handler cannot process in the dead_letter table and on the dead-letter topic; the list shows it with its error, headers and payload', async () => {
    const name = `${failing.prefix}${randomUUID()}`;
    const envelope = envelopeOf({ counter: name, by: 7 });
    const id = await park(name, JSON.stringify(envelope), { 'x-request-id': 'req-poison' });

    const page = await call<DeadLetterPageResponseDto>('GET', `/dead-letters?consumer=${consumerName}&status=parked`);
    expect(page.status).toBe(200);
    expect(page.body.data.find((letter) => letter.id === id)).toEqual({
      id,
      consumer: consumerName,
      topic,
      partition: 0,
      offset: expect.stringMatching(/^\d+$/),
      dead_letter_topic: deadLetterTopic,
      key: name,
      message_id: envelope.messageId,
      message_type: 'CountMe',
      error: 'failed after 2 attempts: handler bug: cannot count this yet',
      headers: { 'x-request-id': 'req-poison' },
      payload: envelope,
      raw_value: null,
      redrivable: true,
      not_redrivable_reason: null,
      status: 'parked',
      dead_lettered_at: expect.any(String),
      settled_at: null,
      settled_by: null,
      settled_reason: null,
      settled_action_id: null,
    });
    expect((await call('GET', `/dead-letters/${id}`)).body).toMatchObject({ id, status: 'parked' });
    expect(await counter(name)).toBeUndefined();
    const [{ parked }]: { parked: number }[] = await dataSource.query(`SELECT count(*)::int AS parked FROM dead_letter WHERE status = 'parked'`);
    expect(await depth()).toBe(parked);
    // Settled, so the redrives of many below meet only their own dead letters.
    expect((await call('POST', `/dead-letters/${id}/discard`, action('test data'))).status).toBe(200);
    expect(await depth()).toBe(parked - 1);
  });

  it('lists newest first, page by page, each dead letter once; consumer, topic and status filter', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await park(`${poisonPrefix}page-${i}-${randomUUID()}`, '{"not":"an envelope"'));

    const first = await call<DeadLetterPageResponseDto>('GET', `/dead-letters?limit=2&topic=${topic}`);
    expect(first.body.data.map((letter) => letter.id).slice(0, 2)).toEqual([ids[2], ids[1]]);
    expect(first.body.pagination).toMatchObject({ limit: 2, has_more: true });
    const second = await call<DeadLetterPageResponseDto>('GET', `/dead-letters?limit=2&topic=${topic}&cursor=${first.body.pagination.next_cursor}`);
    expect(second.body.data[0].id).toBe(ids[0]);
    expect(second.body.data[0]).toMatchObject({
      payload: null,
      raw_value: '{"not":"an envelope"',
      error: 'message value is not JSON',
      redrivable: false,
      not_redrivable_reason: 'its value is not JSON',
    });
    expect((await call<DeadLetterPageResponseDto>('GET', '/dead-letters?consumer=someone.else')).body.data).toEqual([]);
    expect((await call<DeadLetterPageResponseDto>('GET', '/dead-letters?status=discarded&topic=none.such.topic')).body.data).toEqual([]);
    for (const id of ids) expect((await call('POST', `/dead-letters/${id}/discard`, action('test data'))).status).toBe(200);
  });

  it('redrives a dead letter once after the fix, however the requests race: one action id twice, another id, a redrive of all; the message is applied once', async () => {
    const name = `${failing.prefix}${randomUUID()}`;
    const envelope = envelopeOf({ counter: name, by: 7 });
    const id = await park(name, JSON.stringify(envelope));
    failing.active = false;
    try {
      const first = action();
      const answers = await Promise.all([
        call<DeadLetterActionResponseDto>('POST', `/dead-letters/${id}/redrive`, first),
        call<DeadLetterActionResponseDto>('POST', `/dead-letters/${id}/redrive`, first),
        call<DeadLetterActionResponseDto>('POST', `/dead-letters/${id}/redrive`, action()),
        call<DeadLettersRedrivenResponseDto>('POST', '/dead-letters/redrive', { ...action(), consumer: consumerName }, 'other-ops@example.com'),
      ]);

      await pollUntil(() => counter(name), { description: 'the redriven message applied' });
      const row = await rowOf(id);
      expect(row).toMatchObject({ status: 'redriven', settled_reason: 'the handler is fixed in 1.4.2' });
      // Exactly one action changed the row: the one named on it.
      const changedIt = answers.filter(
        ({ status, replayed, body }) =>
          status === 202 &&
          replayed === null &&
          ((body as DeadLetterActionResponseDto).dead_letter?.id === id || (body as DeadLettersRedrivenResponseDto).redriven?.includes(id)),
      );
      expect(changedIt).toHaveLength(1);
      expect(changedIt[0].body.action_id).toBe(row.settled_action_id);
      for (const answer of answers.filter((answer) => answer !== changedIt[0])) {
        // The same id again replays; another id is refused (one id) or redrives nothing (all).
        if (answer.replayed === 'true')
          expect(answer.text).toBe(answers.find((other) => other.body.action_id === answer.body.action_id && other !== answer)?.text);
        else if (answer.status === 409) expect(answer.body).toMatchObject({ error_code: 'CONFLICT', dead_letter_id: id, status: 'redriven' });
        else expect(answer.body).toMatchObject({ action: 'redrive-all', redriven: [] });
      }
      const outbox: unknown[] = await dataSource.query(`SELECT 1 FROM outbox WHERE envelope->>'messageId' = $1`, [envelope.messageId]);
      expect(outbox).toHaveLength(1);

      // A repeat with the first id answers the first answer; a new click is refused and changes nothing.
      const repeat = await call('POST', `/dead-letters/${id}/redrive`, first);
      expect(repeat).toMatchObject({ status: 202, replayed: 'true' });
      const another = await call('POST', `/dead-letters/${id}/redrive`, action());
      expect(another.status).toBe(409);
      expect(another.body.message).toMatch(new RegExp(`^Dead letter ${id} was already redriven by .+: nothing left to redrive$`));
      // A second copy on the topic (the relay sends at least once) is dropped by the inbox.
      await producer.send({ topic, messages: [{ key: name, value: JSON.stringify(envelope) }] });
      await consumedUpToNow();
      expect(await counter(name)).toBe(7);
      expect(await rowOf(id)).toEqual(row);
    } finally {
      failing.active = true;
    }
  });

  it('a discarded dead letter keeps who and why, and can no longer be redriven, alone or with the others', async () => {
    const name = `${poisonPrefix}${randomUUID()}`;
    const id = await park(name, JSON.stringify(envelopeOf({ counter: name, by: 1 })));
    const discard = action('duplicate of an order cancelled by hand');

    const discarded = await call<DeadLetterActionResponseDto>('POST', `/dead-letters/${id}/discard`, discard);
    expect(discarded.status).toBe(200);
    expect(discarded.body).toEqual({
      action_id: discard.action_id,
      action: 'discard',
      operator_id: OPERATOR,
      reason: 'duplicate of an order cancelled by hand',
      occurred_at: expect.any(String),
      dead_letter: expect.objectContaining({
        id,
        status: 'discarded',
        settled_by: OPERATOR,
        settled_reason: 'duplicate of an order cancelled by hand',
        settled_action_id: discard.action_id,
        redrivable: false,
        not_redrivable_reason: 'it was already discarded',
      }),
    });
    expect(await rowOf(id)).toEqual({
      status: 'discarded',
      settled_by: OPERATOR,
      settled_reason: 'duplicate of an order cancelled by hand',
      settled_action_id: discard.action_id,
    });

    const redrive = await call('POST', `/dead-letters/${id}/redrive`, action());
    expect(redrive.status).toBe(409);
    expect(redrive.body).toMatchObject({ error_code: 'CONFLICT', dead_letter_id: id, status: 'discarded' });
    const all = await call<DeadLettersRedrivenResponseDto>('POST', '/dead-letters/redrive', { ...action(), topic });
    expect(all.body.redriven).not.toContain(id);
    expect((await call('POST', `/dead-letters/${id}/discard`, discard)).replayed).toBe('true');
    expect(await rowOf(id)).toMatchObject({ status: 'discarded', settled_action_id: discard.action_id });
    expect(await dataSource.query(`SELECT 1 FROM outbox WHERE message_key = $1`, [name])).toEqual([]);
  });

  it('redrives every parked dead letter of a consumer, oldest first, and leaves those it cannot redrive parked, named with the reason', async () => {
    const names = [`${failing.prefix}${randomUUID()}`, `${failing.prefix}${randomUUID()}`];
    const ids = [
      await park(names[0], JSON.stringify(envelopeOf({ counter: names[0], by: 2 }))),
      await park(names[1], JSON.stringify(envelopeOf({ counter: names[1], by: 3 }))),
    ];
    const unreadable = await park(`${poisonPrefix}${randomUUID()}`, 'not json at all');
    failing.active = false;
    try {
      const redrive = { ...action(), consumer: consumerName };
      const answer = await call<DeadLettersRedrivenResponseDto>('POST', '/dead-letters/redrive', redrive);

      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({
        action_id: redrive.action_id,
        action: 'redrive-all',
        operator_id: OPERATOR,
        reason: redrive.reason,
        consumer: consumerName,
        topic: null,
        redriven: ids,
        not_redriven: [{ id: unreadable, reason: 'its value is not JSON' }],
        has_more: false,
        occurred_at: expect.any(String),
      });
      expect(
        await pollUntil(async () => ((await counter(names[0])) && (await counter(names[1])) ? [await counter(names[0]), await counter(names[1])] : undefined)),
      ).toEqual([2, 3]);
      expect(await rowOf(unreadable)).toMatchObject({ status: 'parked' });
      const again = await call('POST', '/dead-letters/redrive', redrive);
      expect(again).toMatchObject({ status: 202, replayed: 'true', text: answer.text });
      const conflicting = await call('POST', '/dead-letters/redrive', { ...redrive, consumer: undefined, topic });
      expect(conflicting.status).toBe(409);
      expect(conflicting.body).toMatchObject({
        error_code: 'CONFLICT',
        details: [{ field: 'action_id', error: 'Already used for another action; send a new id for a new action' }],
      });
    } finally {
      failing.active = true;
    }
  });

  it('refuses an action without an operator (401), without a reason or action id (400), on a dead letter that does not exist (404)', async () => {
    expect((await call('POST', '/dead-letters/1/redrive', action(), null)).body).toMatchObject({ error_code: 'UNAUTHORIZED' });
    expect((await call('POST', '/dead-letters/1/redrive', action(), null)).status).toBe(401);
    const invalid = await call('POST', '/dead-letters/1/discard', { action_id: 'not-a-uuid', reason: ' ' });
    expect(invalid.status).toBe(400);
    expect((invalid.body.details as { field: string }[]).map((detail) => detail.field).sort()).toEqual(['action_id', 'reason']);
    for (const id of ['999999999', 'abc', '0']) {
      expect((await call('POST', `/dead-letters/${id}/redrive`, action())).status).toBe(404);
      expect((await call('GET', `/dead-letters/${id}`)).status).toBe(404);
    }
    expect((await call('GET', '/dead-letters?cursor=bogus')).status).toBe(400);
  });
});
