import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { INestApplication, Module, Type } from '@nestjs/common';
import { BaseServiceConfig, TypedConfigModule } from '@order-saga/shared/config';
import { DatabaseModule } from '@order-saga/shared/database';
import { createServiceApp } from '@order-saga/shared/http';
import { LoggingModule } from '@order-saga/shared/logging';
import { DataSource } from 'typeorm';
import { Customer } from '../../customers/customer.entity';
import { InitialSchema1763700000000 } from '../../database/migrations/1763700000000-initial-schema';
import { OrderResources1763800000000 } from '../../database/migrations/1763800000000-order-resources';
import { SagaDeadlines1763900000000 } from '../../database/migrations/1763900000000-saga-deadlines';
import { OrderLine } from '../../orders/order-line.entity';
import { Order } from '../../orders/order.entity';
import { SagaInstance } from '../../orders/place-order/saga-instance.entity';
import { SagaStep } from '../../orders/place-order/saga-step.entity';
import { ListSagasHttpController } from './list-sagas.http.controller';
import { adminQuery } from '@order-saga/shared/testing';

/**
 * GET /sagas, the operators' listing, over HTTP against a Nest app with the service's real HTTP setup
 * (createServiceApp: validation pipe, error filter, request ids) and order-service's migrations on
 * PostgreSQL. Only the controller is mounted: the saga's timeout sweeper would otherwise act on the
 * overdue sagas this test plants, and a stuck saga has to stay stuck to be listed.
 */
const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `${process.env.ORDER_SAGA_TEST_DB_PREFIX ?? 'order_saga_test'}_sagas_${randomBytes(4).toString('hex')}`;
const CLIENT = 'ops-it-client';
const CUSTOMER = 'CUST-OPS-1';

/** Built after the environment is set: the config module validates it when the module is declared. */
function sagaListingModule(): Type<unknown> {
  @Module({
    imports: [
      TypedConfigModule.forRoot(BaseServiceConfig),
      LoggingModule.forRoot('order-service'),
      DatabaseModule.forRoot({
        entities: [Customer, Order, OrderLine, SagaInstance, SagaStep],
        migrations: [InitialSchema1763700000000, OrderResources1763800000000, SagaDeadlines1763900000000],
      }),
    ],
    controllers: [ListSagasHttpController],
  })
  class SagaListingModule {}
  return SagaListingModule;
}

/**
 * One saga per situation an operator cares about. Offsets are minutes from the database's now(): the
 * listing compares with now() too, and the margins (minutes) dwarf the test's own duration.
 */
const SAGAS = {
  reservingOverdue: { state: 'RESERVING_STOCK', deadline: -60, updated: -120, failure: null, attempts: 1 },
  payingInTime: { state: 'PROCESSING_PAYMENT', deadline: 60, updated: -5, failure: null, attempts: 1 },
  refundingOverdue: { state: 'REFUNDING_PAYMENT', deadline: -10, updated: -20, failure: 'payment_timeout', attempts: 3 },
  releasingInTime: { state: 'RELEASING_STOCK', deadline: 60, updated: -1, failure: 'payment_declined', attempts: 1 },
  confirmed: { state: 'CONFIRMED', deadline: null, updated: -180, failure: null, attempts: 1 },
  rejected: { state: 'REJECTED', deadline: null, updated: -240, failure: 'insufficient_inventory', attempts: 1 },
  timedOut: { state: 'TIMED_OUT', deadline: null, updated: -60, failure: 'inventory_timeout', attempts: 1 },
  compensated: { state: 'COMPENSATED', deadline: null, updated: -2, failure: 'payment_declined', attempts: 1 },
} as const;
type SagaName = keyof typeof SAGAS;
const orderIdOf = (name: SagaName) => `ORD-OPS-${name}`;

interface ListedSaga {
  saga_id: string;
  order_id: string;
  state: string;
  failure_reason: string | null;
  step_deadline_at: string | null;
  step_attempts: number;
  created_at: string;
  updated_at: string;
}

describe('GET /sagas: the ops listing of stuck, failed, compensating and open sagas (HTTP + PostgreSQL)', () => {
  let app: INestApplication;
  let dataSource: DataSource;
  let baseUrl: string;

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${database}`);
    Object.assign(process.env, { DATABASE_URL: `${adminUrl.replace(/\/[^/]*$/, '')}/${database}`, PORT: '0', LOG_LEVEL: 'silent' });
    app = await createServiceApp(sagaListingModule());
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    dataSource = app.get(DataSource);

    await dataSource.query(`INSERT INTO customer (client_id, customer_id, name, status) VALUES ($1, $2, 'Ops customer', 'active')`, [CLIENT, CUSTOMER]);
    for (const [name, saga] of Object.entries(SAGAS) as [SagaName, (typeof SAGAS)[SagaName]][]) {
      const orderStatus = saga.state === 'CONFIRMED' ? 'confirmed' : saga.deadline === null ? 'cancelled' : 'pending';
      await dataSource.query(
        `INSERT INTO customer_order (order_id, client_id, customer_id, status, currency, estimated_delivery) VALUES ($1, $2, $3, $4, 'USD', now() + interval '5 days')`,
        [orderIdOf(name), CLIENT, CUSTOMER, orderStatus],
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

  const get = (query: string, headers: Record<string, string> = {}) => fetch(`${baseUrl}/sagas${query}`, { headers });
  /** The order ids listed for `query`, in the order the endpoint returned them. */
  const listed = async (query: string): Promise<string[]> => {
    const response = await get(query);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { filter: string; count: number; sagas: ListedSaga[] };
    expect(body.count).toBe(body.sagas.length);
    return body.sagas.map((saga) => saga.order_id);
  };
  const ids = (...names: SagaName[]) => names.map(orderIdOf);

  it('state=stuck lists the open sagas whose step deadline already passed, oldest change first', async () => {
    expect(await listed('?state=stuck')).toEqual(ids('reservingOverdue', 'refundingOverdue'));
  });

  it('state=failed lists rejected, timed-out and compensated sagas, never a confirmed or running one', async () => {
    expect(await listed('?state=failed')).toEqual(ids('rejected', 'timedOut', 'compensated'));
  });

  it('state=compensating lists the sagas refunding a payment or releasing stock, overdue or not', async () => {
    expect(await listed('?state=compensating')).toEqual(ids('refundingOverdue', 'releasingInTime'));
  });

  it('state=open lists every saga still waiting on a participant', async () => {
    expect(await listed('?state=open')).toEqual(ids('reservingOverdue', 'refundingOverdue', 'payingInTime', 'releasingInTime'));
  });

  it('older_than keeps only the sagas not updated for at least that many seconds', async () => {
    expect(await listed('?state=stuck&older_than=3600')).toEqual(ids('reservingOverdue'));
    expect(await listed('?state=failed&older_than=1800')).toEqual(ids('rejected', 'timedOut'));
    expect(await listed('?state=open&older_than=600')).toEqual(ids('reservingOverdue', 'refundingOverdue'));
    expect(await listed('?state=compensating&older_than=7200')).toEqual([]);
    expect(await listed('?state=failed&older_than=0')).toEqual(ids('rejected', 'timedOut', 'compensated'));
  });

  it('limit caps the list to the oldest changes', async () => {
    expect(await listed('?state=open&limit=2')).toEqual(ids('reservingOverdue', 'refundingOverdue'));
  });

  it('describes each saga: state, failure reason, deadline, attempts and times', async () => {
    const response = await get('?state=compensating');
    const body = (await response.json()) as { filter: string; count: number; sagas: ListedSaga[] };
    const [refunding] = body.sagas;
    const stored: { saga_id: string; step_deadline_at: Date; updated_at: Date }[] = await dataSource.query(
      'SELECT saga_id, step_deadline_at, updated_at FROM saga_instance WHERE order_id = $1',
      [orderIdOf('refundingOverdue')],
    );

    expect(body).toMatchObject({ filter: 'compensating', count: 2 });
    expect(refunding).toEqual({
      saga_id: stored[0].saga_id,
      order_id: orderIdOf('refundingOverdue'),
      state: 'REFUNDING_PAYMENT',
      failure_reason: 'payment_timeout',
      step_deadline_at: stored[0].step_deadline_at.toISOString(),
      step_attempts: 3,
      created_at: expect.any(String),
      updated_at: stored[0].updated_at.toISOString(),
    });
  });

  it.each([
    ['no state', '', 'state'],
    ['an unknown state', '?state=closed', 'state'],
    ['a negative older_than', '?state=stuck&older_than=-5', 'older_than'],
    ['an older_than that is not a number', '?state=stuck&older_than=soon', 'older_than'],
    ['a fractional older_than', '?state=stuck&older_than=1.5', 'older_than'],
    ['a limit of 0', '?state=open&limit=0', 'limit'],
    ['a limit above 500', '?state=open&limit=501', 'limit'],
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
