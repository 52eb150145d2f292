import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MessageEnvelope, ORDER_CREATED, OrderCreatedEvent, WebhookEventType } from '@order-saga/contracts';
import { validateConfig } from '@order-saga/shared/config';
import { PgListener, runMigrationsLocked } from '@order-saga/shared/database';
import { PinoLogger } from 'nestjs-pino';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { NOTIFICATION_MIGRATIONS } from '../../database/migrations';
import { Clock } from '../../domain/clock';
import { toOrderWebhook } from '../../domain/order-webhook-event';
import { NetworkPolicy } from '../../domain/network-policy';
import { RegisterWebhookEndpointHandler } from '../../webhook-endpoints/register-webhook-endpoint/register-webhook-endpoint.handler';
import { WebhookEndpointRepository } from '../../webhook-endpoints/webhook-endpoint.repository';
import { WebhookUrlValidator } from '../../webhook-endpoints/webhook-url.validator';
import { Outbox } from '@order-saga/shared/messaging';
import { WebhookDeliveryMetrics } from '../webhook-delivery.metrics';
import { WebhookSender } from './webhook-sender';
import { WebhookEndpoint } from '../../webhook-endpoints/webhook-endpoint.entity';
import { ListDeliveriesHttpController } from '../list-deliveries/list-deliveries.http.controller';
import { ScheduleDeliveriesHandler } from '../schedule-deliveries/schedule-deliveries.handler';
import { WebhookAttempt } from '../webhook-attempt.entity';
import { WebhookDelivery } from '../webhook-delivery.entity';
import { WebhookDeliveryResponseDto } from '../webhook-delivery.response.dto';
import { DeliverWebhooksHandler } from './deliver-webhooks.handler';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';

jest.setTimeout(30_000);

const SERVER_URL = 'postgres://postgres@127.0.0.1:5432';
const TIMEOUT_MS = 500;

class ManualClock extends Clock {
  private current = new Date();

  override now(): Date {
    return new Date(this.current);
  }

  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

interface Reply {
  status: number;
  body?: string;
  delayMs?: number;
  headers?: Record<string, string>;
}

interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A subscriber's HTTP server: answers each path with a scripted reply per attempt and keeps what it got. */
class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly scripts = new Map<string, (attempt: number) => Reply>();
  private active = 0;
  maxActive = 0;
  readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      this.requests.push({ path, headers: req.headers, body: Buffer.concat(chunks) });
      this.active += 1;
      this.maxActive = Math.max(this.maxActive, this.active);
      // 'close' also fires when the sender gave up waiting, so an abandoned request stops counting at once.
      res.once('close', () => (this.active -= 1));
      const script = this.scripts.get(path) ?? ((): Reply => ({ status: 404 }));
      const reply = script(this.received(path).length);
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
      }, reply.delayMs ?? 0);
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  script(path: string, reply: (attempt: number) => Reply): string {
    this.scripts.set(path, reply);
    return this.url(path);
  }

  received(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }
}

async function waitFor(description: string, check: () => Promise<boolean> | boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const silentLogger = { info: () => undefined } as unknown as PinoLogger;

describe('webhook delivery (PostgreSQL + HTTP receiver)', () => {
  const database = `notification_it_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: `${SERVER_URL}/postgres` });
  const receiver = new Receiver();
  const clock = new ManualClock();
  let dataSource: DataSource;
  let listener: PgListener;
  let config: NotificationServiceConfig;
  let schedule: ScheduleDeliveriesHandler;
  let repository: WebhookDeliveryRepository;
  let worker: WebhookDeliveryWorker;
  let registrar: RegisterWebhookEndpointHandler;
  let sender: WebhookSender;
  let metrics: WebhookDeliveryMetrics;
  let deliveries: ListDeliveriesHttpController;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const url = `${SERVER_URL}/${database}`;
    dataSource = new DataSource({
      type: 'postgres',
      url,
      entities: [WebhookEndpoint, WebhookDelivery, WebhookAttempt],
      migrations: NOTIFICATION_MIGRATIONS,
    });
    await dataSource.initialize();
    await runMigrationsLocked(dataSource);
    await receiver.start();

    config = validateConfig(NotificationServiceConfig, {
      DATABASE_URL: url,
      KAFKA_BROKERS: '127.0.0.1:9',
      WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
      WEBHOOK_RETRY_SCHEDULE_SECONDS: '0,60,300',
      // Far beyond the test's length: only NOTIFY and explicit wake-ups drive the worker.
      DELIVERY_POLL_INTERVAL_MS: '600000',
      DELIVERY_CONCURRENCY: '4',
    });
    listener = new PgListener(new ConfigService({ DATABASE_URL: url }));
    schedule = new ScheduleDeliveriesHandler(clock, config);
    repository = new WebhookDeliveryRepository(dataSource, new Outbox());
    const policy = new NetworkPolicy(config.networkPolicy);
    sender = new WebhookSender(policy);
    metrics = new WebhookDeliveryMetrics();
    worker = newWorker();
    registrar = new RegisterWebhookEndpointHandler(new WebhookEndpointRepository(dataSource), new WebhookUrlValidator(policy), clock);
    deliveries = new ListDeliveriesHttpController(dataSource);
    await worker.onApplicationBootstrap();
  });

  afterAll(async () => {
    await worker?.onApplicationShutdown();
    await sender?.onModuleDestroy();
    await listener?.onApplicationShutdown();
    await dataSource?.destroy();
    await receiver.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']);
  });

  function newWorker(): WebhookDeliveryWorker {
    return new WebhookDeliveryWorker(repository, new DeliverWebhooksHandler(repository, sender, metrics, clock, config), listener, clock, config);
  }

  function register(clientId: string, url: string, eventTypes: WebhookEventType[] = ['order.created']) {
    return registrar.register(clientId, { url, event_types: eventTypes });
  }

  function orderCreated(clientId: string): MessageEnvelope<OrderCreatedEvent> {
    const orderId = `ord_${randomBytes(4).toString('hex')}`;
    return {
      messageId: randomUUID(),
      type: ORDER_CREATED.type,
      correlationId: orderId,
      causationId: randomUUID(),
      occurredAt: new Date().toISOString(),
      requestId: 'req-it',
      traceparent: null,
      payload: {
        orderId,
        clientId,
        customerId: 'cust_1',
        status: 'confirmed',
        totalCents: 5998,
        currency: 'USD',
        items: [{ productId: 'SKU-001', quantity: 2, unitPriceCents: 2999 }],
        createdAt: new Date().toISOString(),
      },
    };
  }

  async function publish(envelope: MessageEnvelope<OrderCreatedEvent>): Promise<void> {
    await dataSource.transaction((manager) => schedule.handle(envelope, manager, silentLogger));
  }

  async function deliveriesOf(eventId: string): Promise<WebhookDeliveryResponseDto[]> {
    return (await deliveries.list({ event_id: eventId })).data;
  }

  async function attempted(eventId: string, count = 1): Promise<WebhookDeliveryResponseDto[]> {
    await waitFor(`a first attempt at ${count} deliveries of ${eventId}`, async () => {
      const found = await deliveriesOf(eventId);
      return found.length === count && found.every((delivery) => delivery.status !== 'pending' || delivery.attempt_count > 0);
    });
    await worker.idle();
    return deliveriesOf(eventId);
  }

  it("delivers a signed order.created webhook that verifies with the spec's HMAC recipe, only to subscribed endpoints of the order's client", async () => {
    const url = receiver.script('/signed', () => ({ status: 200, body: 'ok' }));
    const endpoint = await register('client-signed', url);
    await register('client-signed', receiver.script('/signed-cancel-only', () => ({ status: 200 })), ['order.cancelled']);
    await register('client-other', receiver.script('/signed-other-client', () => ({ status: 200 })));
    const envelope = orderCreated('client-signed');

    await publish(envelope);
    const [delivery] = await attempted(envelope.messageId);

    const [request] = receiver.received('/signed');
    const expectedSignature = 'sha256=' + createHmac('sha256', Buffer.from(endpoint.secret, 'utf8')).update(request.body).digest('hex');
    expect(request.headers['x-webhook-signature']).toBe(expectedSignature);
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'order-saga-webhooks/1.0',
      'x-webhook-id': envelope.messageId,
      'x-webhook-event': 'order.created',
      'x-webhook-timestamp': String(Math.floor(clock.now().getTime() / 1000)),
    });
    expect(request.body.toString('utf8')).toBe(JSON.stringify(toOrderWebhook(envelope).event));
    expect(JSON.parse(request.body.toString('utf8'))).toMatchObject({ event_id: envelope.messageId, data: { total_amount: 59.98 } });

    expect(delivery).toMatchObject({ endpoint_id: endpoint.endpoint_id, status: 'succeeded', attempt_count: 1, next_attempt_at: null });
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ attempt_number: 1, status_code: 200, error: null, response_excerpt: 'ok', duration_ms: expect.any(Number) }),
    ]);
    expect(receiver.received('/signed-cancel-only')).toHaveLength(0);
    expect(receiver.received('/signed-other-client')).toHaveLength(0);
  });

  it('creates no second delivery when the same Kafka event arrives again', async () => {
    await register('client-redelivery', receiver.script('/redelivery', () => ({ status: 204 })));
    const envelope = orderCreated('client-redelivery');

    await publish(envelope);
    await publish(envelope);
    const found = await attempted(envelope.messageId);

    expect(found).toHaveLength(1);
    expect(found[0].status).toBe('succeeded');
    expect(receiver.received('/redelivery')).toHaveLength(1);
  });

  it('retries a refused delivery after the scheduled delay with the same signed body, and stops once it succeeds', async () => {
    const url = receiver.script('/retry', (attempt) => (attempt === 1 ? { status: 500, body: 'é'.repeat(3000) } : { status: 200 }));
    await register('client-retry', url);
    const envelope = orderCreated('client-retry');

    await publish(envelope);
    const [afterFirst] = await attempted(envelope.messageId);
    const firstFailedAt = clock.now();

    expect(afterFirst).toMatchObject({ status: 'pending', attempt_count: 1 });
    expect(afterFirst.next_attempt_at).toBe(new Date(firstFailedAt.getTime() + 60_000).toISOString());
    expect(afterFirst.attempts[0]).toMatchObject({ status_code: 500, error: null });
    expect(Buffer.byteLength(afterFirst.attempts[0].response_excerpt ?? '')).toBe(1024);

    clock.advance(59);
    worker.wake();
    await worker.idle();
    expect(receiver.received('/retry')).toHaveLength(1);

    clock.advance(1);
    worker.wake();
    await waitFor('the second attempt', async () => (await deliveriesOf(envelope.messageId))[0].status === 'succeeded');
    await worker.idle();

    const [delivery] = await deliveriesOf(envelope.messageId);
    expect(delivery.attempts.map((attempt) => attempt.status_code)).toEqual([500, 200]);
    const [first, second] = receiver.received('/retry');
    expect(second.body.equals(first.body)).toBe(true);
    expect(second.headers['x-webhook-signature']).toBe(first.headers['x-webhook-signature']);
  });

  it('gives up after the last scheduled attempt, counting timeouts, redirects and unreachable hosts as failures', async () => {
    const url = receiver.script('/give-up', (attempt) =>
      attempt === 1 ? { status: 200, delayMs: TIMEOUT_MS * 3 } : { status: 302, headers: { Location: receiver.url('/elsewhere') } },
    );
    const reachable = await register('client-give-up', url);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/gone`;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await register('client-give-up', deadUrl);
    const envelope = orderCreated('client-give-up');

    await publish(envelope);
    await attempted(envelope.messageId, 2);
    for (const [attempt, delay] of [
      [2, 60],
      [3, 300],
    ]) {
      clock.advance(delay);
      worker.wake();
      await waitFor(`attempt ${attempt}`, async () => (await deliveriesOf(envelope.messageId)).every((d) => d.attempt_count === attempt));
      await worker.idle();
    }

    const found = await deliveriesOf(envelope.messageId);
    const byEndpoint = new Map(found.map((delivery) => [delivery.endpoint_id, delivery]));
    const toReachable = byEndpoint.get(reachable.endpoint_id)!;
    const toUnreachable = byEndpoint.get(unreachable.endpoint_id)!;
    expect(toReachable).toMatchObject({ status: 'failed', attempt_count: 3, next_attempt_at: null });
    expect(toReachable.attempts.map(({ status_code, error }) => ({ status_code, error }))).toEqual([
      { status_code: null, error: `no response within ${TIMEOUT_MS} ms` },
      { status_code: 302, error: null },
      { status_code: 302, error: null },
    ]);
    expect(receiver.received('/elsewhere')).toHaveLength(0);
    expect(toUnreachable).toMatchObject({ status: 'failed', attempt_count: 3 });
    expect(toUnreachable.attempts.every((attempt) => attempt.status_code === null && /ECONNREFUSED/.test(attempt.error ?? ''))).toBe(true);

    clock.advance(7200);
    worker.wake();
    await worker.idle();
    expect(receiver.received('/give-up')).toHaveLength(3);
  });

  it('keeps at most DELIVERY_CONCURRENCY webhooks in flight and works through the backlog as sends finish', async () => {
    const paths = Array.from({ length: 10 }, (_, index) => `/bounded-${index}`);
    for (const path of paths) await register('client-bounded', receiver.script(path, () => ({ status: 200, delayMs: 150 })));
    const envelope = orderCreated('client-bounded');
    receiver.maxActive = 0;

    await publish(envelope);
    // The poll is off, so only finished sends re-claiming the backlog can deliver beyond the first four.
    await waitFor('all 10 deliveries', async () => (await deliveriesOf(envelope.messageId)).every((d) => d.status === 'succeeded'));
    await worker.idle();

    expect(receiver.maxActive).toBe(config.DELIVERY_CONCURRENCY);
    expect(paths.map((path) => receiver.received(path).length)).toEqual(paths.map(() => 1));
  });

  it('sends each delivery once when two workers compete, never more than DELIVERY_CONCURRENCY at a time per worker', async () => {
    const second = newWorker();
    await second.onApplicationBootstrap();
    const paths = Array.from({ length: 12 }, (_, index) => `/race-${index}`);
    for (const path of paths) await register('client-race', receiver.script(path, () => ({ status: 200, delayMs: 100 })));
    const envelope = orderCreated('client-race');
    receiver.maxActive = 0;

    try {
      await publish(envelope);
      await waitFor('all 12 deliveries', async () => (await deliveriesOf(envelope.messageId)).every((d) => d.status === 'succeeded'));
      await Promise.all([worker.idle(), second.idle()]);
    } finally {
      await second.onApplicationShutdown();
    }

    expect(paths.map((path) => receiver.received(path).length)).toEqual(paths.map(() => 1));
    expect(receiver.maxActive).toBeLessThanOrEqual(2 * config.DELIVERY_CONCURRENCY);
    expect((await deliveriesOf(envelope.messageId)).every((d) => d.attempt_count === 1)).toBe(true);
  });

  it('on shutdown, finishes and records the send in flight, then claims nothing more', async () => {
    await register('client-shutdown', receiver.script('/shutdown', () => ({ status: 200, delayMs: 200 })));
    const inFlight = orderCreated('client-shutdown');

    await publish(inFlight);
    await waitFor('the request to arrive', () => receiver.received('/shutdown').length === 1);
    await worker.onApplicationShutdown();

    expect((await deliveriesOf(inFlight.messageId))[0]).toMatchObject({ status: 'succeeded', attempt_count: 1 });

    const afterShutdown = orderCreated('client-shutdown');
    await publish(afterShutdown);
    // A stopped worker that still claimed would be waited for here, and the receiver would see the request.
    worker.wake();
    await worker.idle();
    expect(receiver.received('/shutdown')).toHaveLength(1);
    expect((await deliveriesOf(afterShutdown.messageId))[0]).toMatchObject({ status: 'pending', attempt_count: 0 });
  });
});
