import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import type { SagaFiguresMinuteResponseDto, SagaFiguresResponseDto } from '@order-saga/contracts/http/operator';
import { createServiceApp } from '@order-saga/shared/http';
import { adminQuery } from '@order-saga/shared/testing';
import { DataSource } from 'typeorm';
import { sagaReadsModule } from '../../testing/saga-reads-module';
import { GetSagaHttpController } from '../get-saga/get-saga.http.controller';
import { OperatorSagaRepository } from '../operator-saga.repository';
import { SagaFiguresHttpController } from './saga-figures.http.controller';
import { SagaFiguresRepository } from './saga-figures.repository';

/**
 * GET /sagas/figures, the console's overview, over HTTP on a Nest app with the service's HTTP setup and its
 * migrations on PostgreSQL. Sagas are planted at known minutes before the database's current minute with known
 * durations, so every count and percentile below is worked out by hand. The controllers are mounted in the
 * service's order (figures before GET /sagas/:orderId), and no sweeper runs, so stuck sagas stay stuck.
 */
const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `${process.env.ORDER_SAGA_TEST_DB_PREFIX ?? 'order_saga_test'}_figures_${randomBytes(4).toString('hex')}`;
const CLIENT = 'figures-it-client';
const CUSTOMER = 'CUST-FIG-1';

/** Ended sagas: `minutesAgo` whole minutes before the current one (10 s into it), `durationMs` from start to end. */
const ENDED = [
  { state: 'CONFIRMED', minutesAgo: 3, durationMs: 1000 },
  { state: 'CONFIRMED', minutesAgo: 3, durationMs: 3000 },
  { state: 'REJECTED', minutesAgo: 3, durationMs: 500 },
  { state: 'CONFIRMED', minutesAgo: 1, durationMs: 2000 },
  { state: 'COMPENSATED', minutesAgo: 1, durationMs: 8000 },
  { state: 'TIMED_OUT', minutesAgo: 1, durationMs: 30000 },
  { state: 'CANCELLED', minutesAgo: 1, durationMs: 4000 },
  // Inside the default hour, outside a 5-minute window.
  { state: 'CONFIRMED', minutesAgo: 10, durationMs: 50 },
] as const;
/** Open sagas: `deadlineIn` minutes from now (negative: passed, so stuck). */
const OPEN = [
  { state: 'RESERVING_STOCK', deadlineIn: -1 },
  { state: 'PROCESSING_PAYMENT', deadlineIn: 5 },
  { state: 'RELEASING_STOCK', deadlineIn: -2 },
] as const;

describe('GET /sagas/figures: the console overview’s figures (HTTP + PostgreSQL)', () => {
  let app: INestApplication;
  let baseUrl: string;
  /** The database's current minute when the sagas were planted. */
  let plantedMinute: Date;

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${database}`);
    Object.assign(process.env, { DATABASE_URL: `${adminUrl.replace(/\/[^/]*$/, '')}/${database}`, PORT: '0', LOG_LEVEL: 'silent' });
    app = await createServiceApp(sagaReadsModule([SagaFiguresHttpController, GetSagaHttpController], [SagaFiguresRepository, OperatorSagaRepository]));
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const dataSource = app.get(DataSource);
    await dataSource.query(`INSERT INTO customer (client_id, customer_id, name, status) VALUES ($1, $2, 'Figures customer', 'active')`, [CLIENT, CUSTOMER]);
    [{ minute: plantedMinute }] = await dataSource.query(`SELECT date_trunc('minute', now()) AS minute`);
    const plant = async (orderId: string, state: string, deadline: string | null, endedAt: string, durationMs: number) => {
      await dataSource.query(
        `INSERT INTO customer_order (order_id, client_id, customer_id, status, currency, estimated_delivery) VALUES ($1, $2, $3, 'pending', 'USD', now())`,
        [orderId, CLIENT, CUSTOMER],
      );
      await dataSource.query(
        `INSERT INTO saga_instance (saga_id, order_id, saga_type, state, version, step_deadline_at, created_at, updated_at)
         VALUES (gen_random_uuid(), $1, 'PlaceOrder', $2, 1, $3::timestamptz, $4::timestamptz - make_interval(secs => $5::float8 / 1000), $4::timestamptz)`,
        [orderId, state, deadline, endedAt, durationMs],
      );
    };
    for (const [index, saga] of ENDED.entries()) {
      await plant(`ORD-FIG-ENDED-${index}`, saga.state, null, new Date(minuteBefore(saga.minutesAgo).getTime() + 10_000).toISOString(), saga.durationMs);
    }
    for (const [index, saga] of OPEN.entries()) {
      const deadline = new Date(Date.now() + saga.deadlineIn * 60_000).toISOString();
      await plant(`ORD-FIG-OPEN-${index}`, saga.state, deadline, new Date().toISOString(), 1000);
    }
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  const minuteBefore = (minutes: number) => new Date(plantedMinute.getTime() - minutes * 60_000);
  const figures = async (query = ''): Promise<SagaFiguresResponseDto> => {
    const response = await fetch(`${baseUrl}/sagas/figures${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as SagaFiguresResponseDto;
  };
  /** The window's entry for the minute `minutesAgo` before the planted one (the window may have moved on a minute since). */
  const minuteOf = (body: SagaFiguresResponseDto, minutesAgo: number): SagaFiguresMinuteResponseDto | undefined =>
    body.minutes.find((entry) => entry.minute === minuteBefore(minutesAgo).toISOString());
  const none = { confirmed: 0, rejected: 0, compensated: 0, timed_out: 0, cancelled: 0 };

  it('counts the sagas that ended in the window by outcome, with the p50 and p99 of their durations', async () => {
    const body = await figures('?minutes=5');

    expect(body.window_minutes).toBe(5);
    expect(body.outcomes).toEqual({ confirmed: 3, rejected: 1, compensated: 1, timed_out: 1, cancelled: 1 });
    // Durations 500, 1000, 2000, 3000, 4000, 8000, 30000 ms: the median is the 4th; p99 interpolates
    // between the 6th and the 7th at 0.94 (percentile_cont): 8000 + 0.94 × 22000.
    expect(body.duration_p50_ms).toBe(3000);
    expect(body.duration_p99_ms).toBe(28680);
  });

  it('gives every minute of the window, oldest first, quiet minutes as zeros', async () => {
    const body = await figures('?minutes=5');

    expect(body.minutes).toHaveLength(5);
    const starts = body.minutes.map((entry) => new Date(entry.minute).getTime());
    expect(starts.slice(1).map((start, index) => start - starts[index])).toEqual([60_000, 60_000, 60_000, 60_000]);
    expect(body.minutes[0].minute).toBe(body.from);
    expect(starts[4]).toBe(Math.floor(new Date(body.at).getTime() / 60_000) * 60_000);

    expect(minuteOf(body, 3)).toEqual({
      minute: minuteBefore(3).toISOString(),
      outcomes: { ...none, confirmed: 2, rejected: 1 },
      // 500, 1000, 3000: p99 = 1000 + 0.98 × 2000.
      duration_p50_ms: 1000,
      duration_p99_ms: 2960,
    });
    expect(minuteOf(body, 1)).toEqual({
      minute: minuteBefore(1).toISOString(),
      outcomes: { confirmed: 1, rejected: 0, compensated: 1, timed_out: 1, cancelled: 1 },
      // 2000, 4000, 8000, 30000: the median between the 2nd and 3rd; p99 = 8000 + 0.97 × 22000.
      duration_p50_ms: 6000,
      duration_p99_ms: 29340,
    });
    expect(minuteOf(body, 2)).toEqual({ minute: minuteBefore(2).toISOString(), outcomes: none, duration_p50_ms: null, duration_p99_ms: null });
  });

  it('counts the open sagas as in flight and those past their step deadline as stuck, whatever the window', async () => {
    for (const query of ['?minutes=1', '', '?minutes=1440']) {
      const body = await figures(query);
      expect({ in_flight: body.in_flight, stuck: body.stuck }).toEqual({ in_flight: 3, stuck: 2 });
    }
  });

  it('the default window is the last hour, so it takes the saga that ended ten minutes ago too', async () => {
    const body = await figures();

    expect(body.window_minutes).toBe(60);
    expect(body.minutes).toHaveLength(60);
    expect(body.outcomes).toEqual({ confirmed: 4, rejected: 1, compensated: 1, timed_out: 1, cancelled: 1 });
    expect(minuteOf(body, 10)?.outcomes).toEqual({ ...none, confirmed: 1 });
  });

  it('a window without ended sagas has zero outcomes and no percentiles', async () => {
    const body = await figures('?minutes=1');

    expect(body.minutes).toHaveLength(1);
    expect(body.outcomes).toEqual(none);
    expect(body).toMatchObject({ duration_p50_ms: null, duration_p99_ms: null });
  });

  it.each([
    ['0 minutes', '?minutes=0'],
    ['more than a day', '?minutes=1441'],
    ['a fraction', '?minutes=1.5'],
    ['not a number', '?minutes=soon'],
    ['an unknown parameter', '?minutes=5&outcome=confirmed'],
  ])('answers %s with 400 VALIDATION_ERROR', async (_case, query) => {
    const response = await fetch(`${baseUrl}/sagas/figures${query}`);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error_code: 'VALIDATION_ERROR' });
  });
});
