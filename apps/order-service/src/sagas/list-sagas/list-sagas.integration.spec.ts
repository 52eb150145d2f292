import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import type { OperatorSagaDetailResponseDto, OperatorSagaPageResponseDto, OperatorSagaResponseDto } from '@order-saga/contracts/http/operator';
import { createServiceApp } from '@order-saga/shared/http';
import { adminQuery } from '@order-saga/shared/testing';
import { DataSource } from 'typeorm';
import { sagaReadsModule } from '../../testing/saga-reads-module';
import { GetSagaHttpController } from '../get-saga/get-saga.http.controller';
import { OperatorSagaRepository } from '../operator-saga.repository';
import { ListSagasHttpController } from './list-sagas.http.controller';

/**
 * GET /sagas and GET /sagas/{order_id}, the operators' reads, over HTTP against a Nest app with the
 * service's real HTTP setup (createServiceApp: validation pipe, error filter, request ids) and order-service's
 * migrations on PostgreSQL. Only these controllers are mounted: the saga's timeout sweeper would otherwise
 * act on the overdue sagas this test plants, and a stuck saga has to stay stuck to be listed.
 */
const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `${process.env.ORDER_SAGA_TEST_DB_PREFIX ?? 'order_saga_test'}_sagas_${randomBytes(4).toString('hex')}`;
const CLIENT = 'ops-it-client';
const CUSTOMER = 'CUST-OPS-1';
const OTHER_CLIENT = 'ops-it-other';
const OTHER_CUSTOMER = 'CUST-OPS-2';

/**
 * One saga per situation an operator cares about. Offsets are minutes from the database's now(): the
 * listing compares with now() too, and the margins (minutes) dwarf the test's own duration.
 */
const SAGAS = {
  reservingOverdue: { state: 'RESERVING_STOCK', deadline: -60, updated: -120, failure: null, attempts: 1, client: CLIENT },
  payingInTime: { state: 'PROCESSING_PAYMENT', deadline: 60, updated: -5, failure: null, attempts: 1, client: OTHER_CLIENT },
  refundingOverdue: { state: 'REFUNDING_PAYMENT', deadline: -10, updated: -20, failure: 'payment_timeout', attempts: 3, client: CLIENT },
  releasingInTime: { state: 'RELEASING_STOCK', deadline: 60, updated: -1, failure: 'payment_declined', attempts: 1, client: CLIENT },
  confirmed: { state: 'CONFIRMED', deadline: null, updated: -180, failure: null, attempts: 1, client: OTHER_CLIENT },
  rejected: { state: 'REJECTED', deadline: null, updated: -240, failure: 'insufficient_inventory', attempts: 1, client: CLIENT },
  timedOut: { state: 'TIMED_OUT', deadline: null, updated: -60, failure: 'inventory_timeout', attempts: 1, client: CLIENT },
  cancelled: { state: 'CANCELLED', deadline: null, updated: -40, failure: 'operator_cancelled', attempts: 1, client: CLIENT },
  compensated: { state: 'COMPENSATED', deadline: null, updated: -2, failure: 'payment_declined', attempts: 1, client: CLIENT },
} as const;
type SagaName = keyof typeof SAGAS;
const orderIdOf = (name: SagaName) => `ORD-OPS-${name}`;
/** Every saga, oldest change first: the listing's order. */
const ALL: SagaName[] = [
  'rejected',
  'confirmed',
  'reservingOverdue',
  'timedOut',
  'cancelled',
  'refundingOverdue',
  'payingInTime',
  'compensated',
  'releasingInTime',
];

describe('GET /sagas and GET /sagas/{order_id}: the operators’ reads of every client’s sagas (HTTP + PostgreSQL)', () => {
  let app: INestApplication;
  let dataSource: DataSource;
  let baseUrl: string;

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${database}`);
    Object.assign(process.env, { DATABASE_URL: `${adminUrl.replace(/\/[^/]*$/, '')}/${database}`, PORT: '0', LOG_LEVEL: 'silent' });
    app = await createServiceApp(sagaReadsModule([ListSagasHttpController, GetSagaHttpController], [OperatorSagaRepository]));
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    dataSource = app.get(DataSource);

    for (const [client, customer] of [
      [CLIENT, CUSTOMER],
      [OTHER_CLIENT, OTHER_CUSTOMER],
    ]) {
      await dataSource.query(`INSERT INTO customer (client_id, customer_id, name, status) VALUES ($1, $2, 'Ops customer', 'active')`, [client, customer]);
    }
    for (const [name, saga] of Object.entries(SAGAS) as [SagaName, (typeof SAGAS)[SagaName]][]) {
      const orderStatus = saga.state === 'CONFIRMED' ? 'confirmed' : saga.deadline === null ? 'cancelled' : 'pending';
      await dataSource.query(
        `INSERT INTO customer_order (order_id, client_id, customer_id, status, currency, estimated_delivery, total_cents) VALUES ($1, $2, $3, $4, 'USD', now() + interval '5 days', 2500)`,
        [orderIdOf(name), saga.client, saga.client === CLIENT ? CUSTOMER : OTHER_CUSTOMER, orderStatus],
      );
      await dataSource.query(
        `INSERT INTO saga_instance (saga_id, order_id, saga_type, state, version, step_deadline_at, step_attempts, failure_reason, created_at, updated_at)
         VALUES (gen_random_uuid(), $1, 'PlaceOrder', $2, 1,
                 CASE WHEN $3::int IS NULL THEN NULL ELSE now() + make_interval(mins => $3::int) END,
                 $4, $5, now() - interval '1 day', now() + make_interval(mins => $6::int))`,
        [orderIdOf(name), saga.state, saga.deadline, saga.attempts, saga.failure, saga.updated],
      );
    }
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${baseUrl}/sagas${path}`, { headers });
  const page = async (query: string): Promise<OperatorSagaPageResponseDto> => {
    const response = await get(query);
    expect(response.status).toBe(200);
    return (await response.json()) as OperatorSagaPageResponseDto;
  };
  /** The order ids listed for `query`, in the order the endpoint returned them. */
  const listed = async (query: string): Promise<string[]> => (await page(query)).data.map((saga) => saga.order_id);
  const ids = (...names: SagaName[]) => names.map(orderIdOf);

  it('lists every client’s sagas, oldest change first', async () => {
    expect(await listed('?limit=100')).toEqual(ids(...ALL));
  });

  it('state=stuck lists the open sagas whose step deadline already passed', async () => {
    expect(await listed('?state=stuck')).toEqual(ids('reservingOverdue', 'refundingOverdue'));
  });

  it('state=failed lists rejected, timed-out, cancelled and compensated sagas, never a confirmed or running one', async () => {
    expect(await listed('?state=failed')).toEqual(ids('rejected', 'timedOut', 'cancelled', 'compensated'));
  });

  it('state=compensating lists the sagas refunding a payment or releasing stock, overdue or not', async () => {
    expect(await listed('?state=compensating')).toEqual(ids('refundingOverdue', 'releasingInTime'));
  });

  it('state=open lists every saga still waiting on a participant', async () => {
    expect(await listed('?state=open')).toEqual(ids('reservingOverdue', 'refundingOverdue', 'payingInTime', 'releasingInTime'));
  });

  it('state may name one saga state', async () => {
    expect(await listed('?state=CANCELLED')).toEqual(ids('cancelled'));
    expect(await listed('?state=PROCESSING_PAYMENT')).toEqual(ids('payingInTime'));
    expect(await listed('?state=CONFIRMED')).toEqual(ids('confirmed'));
  });

  it('step lists the sagas waiting on the reply to that command', async () => {
    expect(await listed('?step=ReserveStock')).toEqual(ids('reservingOverdue'));
    expect(await listed('?step=ProcessPayment')).toEqual(ids('payingInTime'));
    expect(await listed('?step=RefundPayment')).toEqual(ids('refundingOverdue'));
    expect(await listed('?step=ReleaseStock&state=stuck')).toEqual([]);
  });

  it('older_than keeps only the sagas not updated for at least that many seconds', async () => {
    expect(await listed('?state=stuck&older_than=3600')).toEqual(ids('reservingOverdue'));
    expect(await listed('?state=failed&older_than=1800')).toEqual(ids('rejected', 'timedOut', 'cancelled'));
    expect(await listed('?state=open&older_than=600')).toEqual(ids('reservingOverdue', 'refundingOverdue'));
    expect(await listed('?state=compensating&older_than=7200')).toEqual([]);
    expect(await listed('?state=failed&older_than=0')).toEqual(ids('rejected', 'timedOut', 'cancelled', 'compensated'));
  });

  it('client_id and customer_id keep one client’s or one customer’s sagas, with the other filters', async () => {
    expect(await listed(`?client_id=${OTHER_CLIENT}`)).toEqual(ids('confirmed', 'payingInTime'));
    expect(await listed(`?customer_id=${OTHER_CUSTOMER}&state=open`)).toEqual(ids('payingInTime'));
    expect(await listed(`?client_id=${CLIENT}&state=open`)).toEqual(ids('reservingOverdue', 'refundingOverdue', 'releasingInTime'));
    expect(await listed(`?client_id=${CLIENT}&customer_id=${OTHER_CUSTOMER}`)).toEqual([]);
  });

  it('pages with the cursor through every saga once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: OperatorSagaPageResponseDto = await page(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...answer.data.map((saga) => saga.order_id));
      expect(answer.pagination).toMatchObject({ limit: 2, has_more: answer.pagination.next_cursor !== null });
      expect(answer.data.length).toBe(answer.pagination.has_more ? 2 : 1);
      cursor = answer.pagination.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(ids(...ALL));
  });

  it('describes each saga: client, customer, state, step waited on, order status, failure, deadline, attempts and times', async () => {
    const [refunding] = (await page('?state=REFUNDING_PAYMENT')).data;
    const [stored] = (await dataSource.query('SELECT saga_id, step_deadline_at, created_at, updated_at FROM saga_instance WHERE order_id = $1', [
      orderIdOf('refundingOverdue'),
    ])) as { saga_id: string; step_deadline_at: Date; created_at: Date; updated_at: Date }[];

    const expected: OperatorSagaResponseDto = {
      order_id: orderIdOf('refundingOverdue'),
      saga_id: stored.saga_id,
      client_id: CLIENT,
      customer_id: CUSTOMER,
      state: 'REFUNDING_PAYMENT',
      step: 'RefundPayment',
      order_status: 'pending',
      failure_reason: 'payment_timeout',
      failure_code: null,
      step_deadline_at: stored.step_deadline_at.toISOString(),
      step_attempts: 3,
      created_at: stored.created_at.toISOString(),
      updated_at: stored.updated_at.toISOString(),
    };
    expect(refunding).toEqual(expected);
    expect((await page('?state=CONFIRMED')).data[0]).toMatchObject({ step: null, order_status: 'confirmed', step_deadline_at: null });
  });

  it('GET /sagas/{order_id}: the saga with its timeline, the order’s outbox rows (by key, from its first message on) and the replies in its inbox', async () => {
    const orderId = orderIdOf('refundingOverdue');
    const [{ saga_id: sagaId }] = (await dataSource.query('SELECT saga_id FROM saga_instance WHERE order_id = $1', [orderId])) as { saga_id: string }[];
    const [reserve, reserved, charge, refund, updated, elsewhere, laterElsewhere] = Array.from({ length: 7 }, () => randomUUID());
    const steps = [
      ['command', 'ReserveStock', reserve],
      ['reply', 'StockReserved', reserved],
      ['command', 'ProcessPayment', charge],
      ['timeout', 'ProcessPayment', null],
      ['compensation', 'RefundPayment', refund],
    ];
    for (const [kind, name, messageId] of steps) {
      await dataSource.query(
        `INSERT INTO saga_step (saga_id, order_id, kind, name, message_id, detail, occurred_at) VALUES ($1, $2, $3, $4, $5, '{"n": 1}', now())`,
        [sagaId, orderId, kind, name, messageId],
      );
    }
    const outbox: [string, string, string, boolean][] = [
      [elsewhere, 'ORD-OPS-elsewhere', 'ReserveStock', true],
      [reserve, orderId, 'ReserveStock', true],
      [laterElsewhere, 'ORD-OPS-elsewhere', 'ProcessPayment', true],
      [charge, orderId, 'ProcessPayment', true],
      [refund, orderId, 'RefundPayment', false],
      [updated, orderId, 'OrderUpdated', false],
    ];
    for (const [messageId, key, type, published] of outbox) {
      await dataSource.query(
        `INSERT INTO outbox (message_id, topic, message_key, message_type, envelope, published_at) VALUES ($1, 'some.topic.v1', $2, $3, $4, CASE WHEN $5 THEN now() END)`,
        [messageId, key, type, JSON.stringify({ messageId, type }), published],
      );
    }
    await dataSource.query(`INSERT INTO inbox (message_id, consumer) VALUES ($1, 'order.reserve-stock-reply'), ($2, 'order.reserve-stock-reply')`, [
      reserved,
      randomUUID(),
    ]);

    const response = await get(`/${orderId}`);
    expect(response.status).toBe(200);
    const saga = (await response.json()) as OperatorSagaDetailResponseDto;
    expect(saga).toMatchObject({
      order_id: orderId,
      saga_id: sagaId,
      state: 'REFUNDING_PAYMENT',
      step: 'RefundPayment',
      total_cents: 2500,
      reservation_id: null,
    });
    expect(saga.timeline.map((entry) => [entry.kind, entry.name, entry.message_id])).toEqual(steps);
    expect(saga.outbox.map((message) => [message.message_id, message.message_type, message.published_at !== null])).toEqual([
      [reserve, 'ReserveStock', true],
      [charge, 'ProcessPayment', true],
      [refund, 'RefundPayment', false],
      [updated, 'OrderUpdated', false],
    ]);
    expect(saga.outbox[0].envelope).toEqual({ messageId: reserve, type: 'ReserveStock' });
    expect(saga.inbox).toEqual([
      { message_id: reserved, consumer: 'order.reserve-stock-reply', message_type: 'StockReserved', received_at: expect.any(String) },
    ]);
  });

  it('GET /sagas/{order_id} of an order without a saga is 404 NOT_FOUND', async () => {
    const response = await get('/ORD-OPS-missing');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error_code: 'NOT_FOUND', message: 'Order ORD-OPS-missing has no saga' });
  });

  it.each([
    ['an unknown state', '?state=closed', 'state'],
    ['an unknown step', '?step=ShipOrder', 'step'],
    ['a negative older_than', '?state=stuck&older_than=-5', 'older_than'],
    ['an older_than that is not a number', '?state=stuck&older_than=soon', 'older_than'],
    ['a fractional older_than', '?state=stuck&older_than=1.5', 'older_than'],
    ['a limit of 0', '?state=open&limit=0', 'limit'],
    ['a limit above 100', '?state=open&limit=101', 'limit'],
    ['a client_id with a space', '?client_id=a%20b', 'client_id'],
    ['a cursor this endpoint did not issue', '?cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['an unknown parameter', '?state=open&sort=desc', 'sort'],
  ])('answers %s with 400 VALIDATION_ERROR in the error format, naming the parameter', async (_case, query, field) => {
    const requestId = `ops-it-${randomBytes(4).toString('hex')}`;
    const response = await get(query, { 'X-Request-ID': requestId });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as {
      error_code: string;
      message: string;
      details: { field: string; error: string }[];
      request_id: string;
      timestamp: string;
    };
    expect(body).toEqual({
      error_code: 'VALIDATION_ERROR',
      message: expect.any(String),
      details: expect.any(Array),
      request_id: requestId,
      timestamp: expect.any(String),
    });
    expect(body.message.length).toBeGreaterThan(0);
    expect(body.details.map((detail) => detail.field)).toContain(field);
    expect(body.details.every((detail) => detail.error.length > 0)).toBe(true);
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
  });
});
