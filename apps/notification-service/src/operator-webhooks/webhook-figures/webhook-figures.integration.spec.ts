import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { INestApplication, Module, Type } from '@nestjs/common';
import type { WebhookFiguresMinuteResponseDto, WebhookFiguresResponseDto } from '@order-saga/contracts/http/operator';
import { BaseServiceConfig, TypedConfigModule } from '@order-saga/shared/config';
import { DatabaseModule } from '@order-saga/shared/database';
import { createServiceApp } from '@order-saga/shared/http';
import { LoggingModule } from '@order-saga/shared/logging';
import { createTestDatabase, TestDatabase } from '@order-saga/shared/testing';
import { DataSource } from 'typeorm';
import { NOTIFICATION_MIGRATIONS } from '../../database/migrations';
import { WebhookAttempt } from '../../deliveries/webhook-attempt.entity';
import { WebhookDelivery } from '../../deliveries/webhook-delivery.entity';
import { WebhookEndpoint } from '../../webhook-endpoints/webhook-endpoint.entity';
import { ListOperatorWebhookDeliveriesHttpController } from '../list-deliveries/list-operator-webhook-deliveries.http.controller';
import { OperatorWebhookRepository } from '../operator-webhook.repository';
import { WebhookFiguresHttpController } from './webhook-figures.http.controller';
import { WebhookFiguresRepository } from './webhook-figures.repository';

/**
 * GET /operator/webhook-deliveries/figures, the console overview's webhook figures, over HTTP on a Nest app with
 * the service's HTTP setup and its migrations on PostgreSQL. Deliveries are planted at known minutes before the
 * database's current minute with known statuses, so every count and rate below is worked out by hand. The
 * controllers are mounted in the service's order (figures before GET …/:deliveryId); no worker runs, so a
 * pending delivery stays pending.
 */

/** Deliveries created `minutesAgo` whole minutes before the current one (10 s into it), with their status now. */
const CREATED = [
  { status: 'succeeded', minutesAgo: 3 },
  { status: 'succeeded', minutesAgo: 3 },
  { status: 'failed', minutesAgo: 3 },
  { status: 'succeeded', minutesAgo: 1 },
  { status: 'pending', minutesAgo: 1 },
  { status: 'cancelled', minutesAgo: 1 },
  { status: 'failed', minutesAgo: 1 },
  { status: 'failed', minutesAgo: 1 },
  // Inside the default hour, outside a 5-minute window.
  { status: 'succeeded', minutesAgo: 10 },
  { status: 'failed', minutesAgo: 10 },
  // Outside the default hour.
  { status: 'failed', minutesAgo: 90 },
] as const;

/** Made once the environment is set: the config module validates it when the module is declared. */
function figuresModule(): Type<unknown> {
  @Module({
    imports: [
      TypedConfigModule.forRoot(BaseServiceConfig),
      LoggingModule.forRoot('notification-service'),
      DatabaseModule.forRoot({ entities: [WebhookEndpoint, WebhookDelivery, WebhookAttempt], migrations: NOTIFICATION_MIGRATIONS }),
    ],
    controllers: [WebhookFiguresHttpController, ListOperatorWebhookDeliveriesHttpController],
    providers: [WebhookFiguresRepository, OperatorWebhookRepository],
  })
  class WebhookFiguresModule {}
  return WebhookFiguresModule;
}

describe('GET /operator/webhook-deliveries/figures: the console overview’s webhook figures (HTTP + PostgreSQL)', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let baseUrl: string;
  /** The database's current minute when the deliveries were planted. */
  let plantedMinute: Date;

  beforeAll(async () => {
    database = await createTestDatabase('webhook_figures');
    Object.assign(process.env, { DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent' });
    app = await createServiceApp(figuresModule());
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const dataSource = app.get(DataSource);
    const endpointId = randomUUID();
    await dataSource.query(
      `INSERT INTO webhook_endpoint (endpoint_id, client_id, url, secret, event_types) VALUES ($1, 'figures-it-client', 'https://hooks.example.com/in', 'whsec_x', '{order.created}')`,
      [endpointId],
    );
    [{ minute: plantedMinute }] = await dataSource.query(`SELECT date_trunc('minute', now()) AS minute`);
    for (const [index, delivery] of CREATED.entries()) {
      const createdAt = new Date(minuteBefore(delivery.minutesAgo).getTime() + 10_000);
      await dataSource.query(
        `INSERT INTO webhook_delivery (delivery_id, endpoint_id, event_id, event_type, order_id, body, status, failure_reason, attempt_count,
                                       next_attempt_at, created_at, last_attempt_at)
         VALUES (gen_random_uuid(), $1, gen_random_uuid(), 'order.created', $2, '{}', $3, $4, $5, $6, $6, $7)`,
        [
          endpointId,
          `ORD-FIG-${index}`,
          delivery.status,
          delivery.status === 'failed' ? 'exhausted' : null,
          delivery.status === 'pending' || delivery.status === 'cancelled' ? 0 : 1,
          createdAt.toISOString(),
          delivery.status === 'pending' || delivery.status === 'cancelled' ? null : createdAt.toISOString(),
        ],
      );
    }
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const minuteBefore = (minutes: number) => new Date(plantedMinute.getTime() - minutes * 60_000);
  const figures = async (query = ''): Promise<WebhookFiguresResponseDto> => {
    const response = await fetch(`${baseUrl}/operator/webhook-deliveries/figures${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as WebhookFiguresResponseDto;
  };
  /** The window's entry for the minute `minutesAgo` before the planted one (the window may have moved on a minute since). */
  const minuteOf = (body: WebhookFiguresResponseDto, minutesAgo: number): WebhookFiguresMinuteResponseDto | undefined =>
    body.minutes.find((entry) => entry.minute === minuteBefore(minutesAgo).toISOString());
  const none = { succeeded: 0, failed: 0, pending: 0, cancelled: 0 };

  it('counts the deliveries created in the window by their status now, and the success rate of those that settled', async () => {
    const body = await figures('?minutes=5');

    expect(body.window_minutes).toBe(5);
    expect(body.deliveries).toEqual({ succeeded: 3, failed: 3, pending: 1, cancelled: 1 });
    // 3 succeeded of 6 settled; the pending and the cancelled one count neither way.
    expect(body.success_rate).toBe(0.5);
  });

  it('gives every minute of the window, oldest first, each with its own rate; quiet minutes are zeros without a rate', async () => {
    const body = await figures('?minutes=5');

    // The five minutes up to the one the figures were read in, a minute apart.
    const readMinute = Math.floor(Date.parse(body.at) / 60_000) * 60_000;
    expect(body.minutes.map((entry) => entry.minute)).toEqual([4, 3, 2, 1, 0].map((back) => new Date(readMinute - back * 60_000).toISOString()));
    expect(body.from).toBe(body.minutes[0].minute);

    expect(minuteOf(body, 3)).toEqual({ minute: minuteBefore(3).toISOString(), deliveries: { ...none, succeeded: 2, failed: 1 }, success_rate: 2 / 3 });
    expect(minuteOf(body, 1)).toEqual({
      minute: minuteBefore(1).toISOString(),
      deliveries: { succeeded: 1, failed: 2, pending: 1, cancelled: 1 },
      success_rate: 1 / 3,
    });
    expect(minuteOf(body, 2)).toEqual({ minute: minuteBefore(2).toISOString(), deliveries: none, success_rate: null });
  });

  it('the default window is the last hour: the deliveries of ten minutes ago are in it, those of an hour and a half ago are not', async () => {
    const body = await figures();

    expect(body.window_minutes).toBe(60);
    expect(body.minutes).toHaveLength(60);
    expect(body.deliveries).toEqual({ succeeded: 4, failed: 4, pending: 1, cancelled: 1 });
    expect(body.success_rate).toBe(0.5);
    expect(minuteOf(body, 10)).toMatchObject({ deliveries: { ...none, succeeded: 1, failed: 1 }, success_rate: 0.5 });
    expect((await figures('?minutes=1440')).deliveries.failed).toBe(5);
  });

  it('a window without deliveries has zero counts and no success rate', async () => {
    const body = await figures('?minutes=1');

    expect(body.minutes).toHaveLength(1);
    expect(body.deliveries).toEqual(none);
    expect(body.success_rate).toBeNull();
  });

  it.each([
    ['0 minutes', '?minutes=0'],
    ['more than a day', '?minutes=1441'],
    ['a fraction', '?minutes=1.5'],
    ['not a number', '?minutes=soon'],
    ['an unknown parameter', '?minutes=5&status=failed'],
  ])('answers %s with 400 VALIDATION_ERROR', async (_case, query) => {
    const response = await fetch(`${baseUrl}/operator/webhook-deliveries/figures${query}`);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error_code: 'VALIDATION_ERROR' });
  });
});
