import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { MessageEnvelope, ORDER_CREATED, OrderCreatedEvent, WebhookEventType } from '@order-saga/contracts';
import { validateConfig } from '@order-saga/shared/config';
import { runMigrationsLocked } from '@order-saga/shared/database';
import { PinoLogger } from 'nestjs-pino';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { NOTIFICATION_MIGRATIONS } from '../../database/migrations';
import { Clock } from '../../domain/clock';
import { toOrderWebhooks } from '../../domain/order-webhook-event';
import { NetworkPolicy } from '../../domain/network-policy';
import { RegisterWebhookEndpointHandler } from '../../webhook-endpoints/register-webhook-endpoint/register-webhook-endpoint.handler';
import { WebhookEndpointRepository } from '../../webhook-endpoints/webhook-endpoint.repository';
import { WebhookUrlValidator } from '../../webhook-endpoints/webhook-url.validator';
import { Outbox } from '@order-saga/shared/messaging';
import { WebhookDeliveryMetrics } from '../webhook-delivery.metrics';
import { WebhookSender } from './webhook-sender';
import { DomainError } from '@order-saga/shared/http';
import { statementsInTransaction, statementVerb } from '@order-saga/shared/testing';
import { bodySignature, pythonVerifyWebhook, standardSignature } from '@order-saga/webhooks';
import { WebhookDeliveryResponseDto } from '@order-saga/contracts/http';
import { RotateWebhookSecretHandler } from '../../webhook-endpoints/rotate-webhook-secret/rotate-webhook-secret.handler';
import { RetryDeliveryHandler } from '../retry-delivery/retry-delivery.handler';
import { RedeliverFailedHandler } from '../redeliver-failed/redeliver-failed.handler';
import { WebhookEndpoint } from '../../webhook-endpoints/webhook-endpoint.entity';
import { ListDeliveriesHttpController } from '../list-deliveries/list-deliveries.http.controller';
import { ScheduleDeliveriesHandler } from '../schedule-deliveries/schedule-deliveries.handler';
import { WebhookAttempt } from '../webhook-attempt.entity';
import { WebhookDelivery } from '../webhook-delivery.entity';
import { DeliveryDecision } from '../../domain/retry-schedule';
import { DeliverWebhooksHandler } from './deliver-webhooks.handler';
import { RecordedAttempt, WebhookDeliveryRepository } from '../webhook-delivery.repository';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';

jest.setTimeout(30_000);

const SERVER_URL = 'postgres://postgres@127.0.0.1:5432';
const TIMEOUT_MS = 500;
const quietLogger = new PinoLogger({ pinoHttp: { level: 'silent' } });

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
  /** Answer only once this settles (after delayMs). */
  until?: Promise<void>;
  headers?: Record<string, string>;
}

interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  socket: Socket;
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
      this.requests.push({ path, headers: req.headers, body: Buffer.concat(chunks), socket: req.socket });
      this.active += 1;
      this.maxActive = Math.max(this.maxActive, this.active);
      // 'close' also fires when the sender gave up waiting, so an abandoned request stops counting at once.
      res.once('close', () => (this.active -= 1));
      const script = this.scripts.get(path) ?? ((): Reply => ({ status: 404 }));
      const reply = script(this.received(path).length);
      setTimeout(() => {
        void (reply.until ?? Promise.resolve()).then(() => {
          if (!res.destroyed) res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
        });
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

describe('webhook delivery (PostgreSQL + HTTP receiver)', () => {
  const database = `notification_it_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: `${SERVER_URL}/postgres` });
  const receiver = new Receiver();
  const clock = new ManualClock();
  let dataSource: DataSource;
  let config: NotificationServiceConfig;
  let schedule: ScheduleDeliveriesHandler;
  let repository: WebhookDeliveryRepository;
  let worker: WebhookDeliveryWorker;
  let registrar: RegisterWebhookEndpointHandler;
  let sender: WebhookSender;
  let metrics: WebhookDeliveryMetrics;
  let deliveries: ListDeliveriesHttpController;

  beforeAll(async () => {
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
      // Far beyond the test's length: only in-process wake-ups after commits, and explicit ones, drive the worker.
      DELIVERY_POLL_INTERVAL_MS: '600000',
      DELIVERY_CONCURRENCY: '4',
    });
    repository = new WebhookDeliveryRepository(dataSource, new Outbox(), quietLogger);
    schedule = new ScheduleDeliveriesHandler(clock, config, repository);
    const policy = new NetworkPolicy(config.networkPolicy);
    sender = new WebhookSender(policy);
    metrics = new WebhookDeliveryMetrics();
    worker = newWorker();
    registrar = new RegisterWebhookEndpointHandler(new WebhookEndpointRepository(dataSource), new WebhookUrlValidator(policy), clock, quietLogger);
    deliveries = new ListDeliveriesHttpController(dataSource);
    await worker.onApplicationBootstrap();
  });

  afterAll(async () => {
    await worker?.onApplicationShutdown();
    await sender?.onModuleDestroy();
    await dataSource?.destroy();
    await receiver.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  function newWorker(): WebhookDeliveryWorker {
    return new WebhookDeliveryWorker(
      repository,
      new DeliverWebhooksHandler(repository, sender, metrics, clock, config, quietLogger),
      clock,
      config,
      quietLogger,
    );
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
    await dataSource.transaction((manager) => schedule.handle(envelope, manager));
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
    await register(
      'client-signed',
      receiver.script('/signed-cancel-only', () => ({ status: 200 })),
      ['order.cancelled'],
    );
    await register(
      'client-other',
      receiver.script('/signed-other-client', () => ({ status: 200 })),
    );
    const envelope = orderCreated('client-signed');

    await publish(envelope);
    const [delivery] = await attempted(envelope.messageId);

    const [request] = receiver.received('/signed');
    expect(pythonVerifyWebhook(request.body, String(request.headers['x-webhook-signature']), endpoint.secret)).toBe(true);
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'order-saga-webhooks/1.0',
      'x-webhook-id': envelope.messageId,
      'x-webhook-event': 'order.created',
      'x-webhook-timestamp': String(Math.floor(clock.now().getTime() / 1000)),
    });
    expect(request.body.toString('utf8')).toBe(JSON.stringify(toOrderWebhooks(envelope)[0].event));
    expect(JSON.parse(request.body.toString('utf8'))).toMatchObject({ event_id: envelope.messageId, data: { total_amount: 59.98 } });

    expect(delivery).toMatchObject({ endpoint_id: endpoint.endpoint_id, status: 'succeeded', attempt_count: 1, next_attempt_at: null });
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ attempt_number: 1, status_code: 200, error: null, response_excerpt: 'ok', duration_ms: expect.any(Number) }),
    ]);
    expect(receiver.received('/signed-cancel-only')).toHaveLength(0);
    expect(receiver.received('/signed-other-client')).toHaveLength(0);
  });

  it('creates no second delivery when the same Kafka event arrives again', async () => {
    await register(
      'client-redelivery',
      receiver.script('/redelivery', () => ({ status: 204 })),
    );
    const envelope = orderCreated('client-redelivery');

    await publish(envelope);
    await publish(envelope);
    const found = await attempted(envelope.messageId);

    expect(found).toHaveLength(1);
    expect(found[0].status).toBe('succeeded');
    expect(receiver.received('/redelivery')).toHaveLength(1);
  });

  it('sends order.created and order.updated from one OrderCreated carrying its status change, each once however often it arrives', async () => {
    await register(
      'client-both',
      receiver.script('/both', () => ({ status: 204 })),
      ['order.created', 'order.updated'],
    );
    const envelope = orderCreated('client-both');
    envelope.payload.statusChange = { previousStatus: 'pending', currentStatus: 'confirmed', updatedAt: envelope.occurredAt };
    const [, updated] = toOrderWebhooks(envelope);

    await publish(envelope);
    await publish(envelope);
    await attempted(envelope.messageId);
    await attempted(updated.event.event_id);

    const bodies = receiver.received('/both').map((request) => JSON.parse(request.body.toString('utf8')) as { event_type: string; event_id: string });
    // Both are due at once and may be sent side by side: which arrives first is not promised.
    expect(bodies.map((body) => [body.event_type, body.event_id]).sort()).toEqual([
      ['order.created', envelope.messageId],
      ['order.updated', updated.event.event_id],
    ]);
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
    for (const path of paths)
      await register(
        'client-bounded',
        receiver.script(path, () => ({ status: 200, delayMs: 150 })),
      );
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
    for (const path of paths)
      await register(
        'client-race',
        receiver.script(path, () => ({ status: 200, delayMs: 100 })),
      );
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
    await register(
      'client-shutdown',
      receiver.script('/shutdown', () => ({ status: 200, delayMs: 200 })),
    );
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

    // A fresh worker (a restarted process) picks up what the stopped one left pending.
    worker = newWorker();
    await worker.onApplicationBootstrap();
    await waitFor('the new worker to send it', async () => (await deliveriesOf(afterShutdown.messageId))[0].status === 'succeeded');
  });

  it('disables the endpoint on 410 Gone, fails the delivery at once, counts it and announces WebhookDeliveryFailed', async () => {
    const endpoint = await register(
      'client-gone',
      receiver.script('/gone', () => ({ status: 410 })),
    );
    const envelope = orderCreated('client-gone');
    const failedBefore = await metrics.deliveries('failed');

    await publish(envelope);
    const [delivery] = await attempted(envelope.messageId);

    expect(delivery).toMatchObject({ status: 'failed', failure_reason: 'gone', attempt_count: 1 });
    const [row] = await dataSource.query(`SELECT enabled, disabled_reason FROM webhook_endpoint WHERE endpoint_id = $1`, [endpoint.endpoint_id]);
    expect(row).toEqual({ enabled: false, disabled_reason: 'gone' });
    expect(await metrics.deliveries('failed')).toBe(failedBefore + 1);
    const announced: { envelope: { type: string; payload: Record<string, unknown> } }[] = await dataSource.query(
      `SELECT envelope FROM outbox WHERE topic = 'notification.event.webhook-delivery.v1' AND envelope->'payload'->>'deliveryId' = $1`,
      [delivery.delivery_id],
    );
    expect(announced.map(({ envelope }) => envelope.type)).toEqual(['WebhookDeliveryFailed']);
    expect(announced[0].envelope.payload).toMatchObject({ endpointId: endpoint.endpoint_id, clientId: 'client-gone', attempts: 1, lastStatusCode: 410 });

    const later = orderCreated('client-gone');
    await publish(later);
    expect(await deliveriesOf(later.messageId)).toEqual([]);
  });

  it('honours Retry-After of a 429 when it asks for longer than the schedule', async () => {
    await register(
      'client-429',
      receiver.script('/429', (attempt) => (attempt === 1 ? { status: 429, headers: { 'Retry-After': '120' } } : { status: 200 })),
    );
    const envelope = orderCreated('client-429');

    await publish(envelope);
    const [afterFirst] = await attempted(envelope.messageId);
    expect(afterFirst.next_attempt_at).toBe(new Date(clock.now().getTime() + 120_000).toISOString());

    clock.advance(60);
    worker.wake();
    await worker.idle();
    expect(receiver.received('/429')).toHaveLength(1);

    clock.advance(60);
    worker.wake();
    await waitFor('the attempt after Retry-After', async () => (await deliveriesOf(envelope.messageId))[0].status === 'succeeded');
  });

  it('a dead endpoint (accepts, never answers) does not delay a healthy one: at most WEBHOOK_ENDPOINT_CONCURRENCY sends hang on it', async () => {
    const hanging: import('node:http').ServerResponse[] = [];
    let open = 0;
    let maxOpen = 0;
    const dead = createServer((_, res) => {
      hanging.push(res);
      maxOpen = Math.max(maxOpen, ++open);
      // 'close' fires when the sender gives up at its timeout.
      res.once('close', () => (open -= 1));
    });
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/dead`;
    try {
      await register('client-dead', deadUrl);
      const deadEvents = Array.from({ length: 6 }, () => orderCreated('client-dead'));
      const started = Date.now();
      for (const event of deadEvents) await publish(event);
      await waitFor('the dead endpoint to hold its sends', () => hanging.length === config.WEBHOOK_ENDPOINT_CONCURRENCY);

      await register(
        'client-healthy',
        receiver.script('/healthy', () => ({ status: 200 })),
      );
      const healthyEvent = orderCreated('client-healthy');
      const healthyPublished = Date.now();
      await publish(healthyEvent);
      await waitFor('the healthy delivery', () => receiver.received('/healthy').length === 1);
      const healthyMs = Date.now() - healthyPublished;
      const deadSentBeforeHealthy = hanging.length;

      await waitFor(
        'every dead delivery to time out once',
        async () => {
          const found = await Promise.all(deadEvents.map((event) => deliveriesOf(event.messageId)));
          return found.every(([delivery]) => delivery.attempt_count === 1);
        },
        20_000,
      );
      const deadMs = Date.now() - started;
      await worker.idle();
      process.stdout.write(
        `[timings] healthy endpoint delivered ${healthyMs} ms after its event; 6 deliveries to the dead endpoint took ${deadMs} ms to time out (timeout ${TIMEOUT_MS} ms, ${config.WEBHOOK_ENDPOINT_CONCURRENCY} at a time)\n`,
      );

      // The healthy send did not queue behind the dead endpoint's backlog, which never held more than its share.
      expect(deadSentBeforeHealthy).toBeLessThan(deadEvents.length);
      expect(maxOpen).toBe(config.WEBHOOK_ENDPOINT_CONCURRENCY);
      expect(hanging.length).toBe(deadEvents.length);
    } finally {
      for (const res of hanging) res.destroy();
      dead.closeAllConnections();
      await new Promise((resolve) => dead.close(resolve));
    }
  });

  it('during a secret rotation signs with both secrets, and with the new one only once the grace period ended', async () => {
    const endpoint = await register(
      'client-rotate',
      receiver.script('/rotate', () => ({ status: 200 })),
    );
    const rotator = new RotateWebhookSecretHandler(new WebhookEndpointRepository(dataSource), clock, config, quietLogger);
    const rotated = await rotator.rotate('client-rotate', endpoint.endpoint_id, { grace_period_seconds: 3600 });
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(rotated.previous_secret_expires_at).toBe(new Date(clock.now().getTime() + 3_600_000).toISOString());

    const during = orderCreated('client-rotate');
    await publish(during);
    await attempted(during.messageId);
    const [first] = receiver.received('/rotate');
    const timestamp = String(first.headers['webhook-timestamp']);
    expect(first.headers['x-webhook-signature']).toBe(bodySignature(rotated.secret, first.body));
    expect(first.headers['x-webhook-signature-previous']).toBe(bodySignature(endpoint.secret, first.body));
    expect(String(first.headers['webhook-signature']).split(' ')).toEqual([
      standardSignature(rotated.secret, during.messageId, timestamp, first.body),
      standardSignature(endpoint.secret, during.messageId, timestamp, first.body),
    ]);

    clock.advance(3601);
    const after = orderCreated('client-rotate');
    await publish(after);
    await attempted(after.messageId);
    const [, second] = receiver.received('/rotate');
    expect(second.headers['x-webhook-signature']).toBe(bodySignature(rotated.secret, second.body));
    expect(second.headers['x-webhook-signature-previous']).toBeUndefined();
    expect(String(second.headers['webhook-signature']).split(' ')).toHaveLength(1);

    await expect(rotator.rotate('another-client', endpoint.endpoint_id, {})).rejects.toMatchObject({ code: 'NOT_FOUND' } satisfies Partial<DomainError>);
  });

  it('retries one failed delivery by hand, and re-delivers every failed delivery since a time in bulk', async () => {
    let up = false;
    const endpoint = await register(
      'client-recover',
      receiver.script('/recover', () => (up ? { status: 200 } : { status: 500 })),
    );
    const events = Array.from({ length: 3 }, () => orderCreated('client-recover'));
    const since = new Date(Date.now() - 1000);
    for (const event of events) await publish(event);
    for (const [attempt, delay] of [
      [1, 0],
      [2, 60],
      [3, 300],
    ]) {
      clock.advance(delay);
      worker.wake();
      await waitFor(`attempt ${attempt}`, async () =>
        (await Promise.all(events.map((e) => deliveriesOf(e.messageId)))).every(([d]) => d.attempt_count === attempt),
      );
      await worker.idle();
    }
    await waitFor('all three to fail', async () => (await Promise.all(events.map((e) => deliveriesOf(e.messageId)))).every(([d]) => d.status === 'failed'));
    await worker.idle();
    up = true;
    const endpoints = new WebhookEndpointRepository(dataSource);

    const [one] = await deliveriesOf(events[0].messageId);
    const retried = await new RetryDeliveryHandler(endpoints, repository, clock, quietLogger).retry('client-recover', endpoint.endpoint_id, one.delivery_id);
    expect(retried.status).toBe('pending');
    await waitFor('the manual retry', async () => (await deliveriesOf(events[0].messageId))[0].status === 'succeeded');
    await worker.idle();
    expect((await deliveriesOf(events[0].messageId))[0].attempts.map((a) => a.status_code)).toEqual([500, 500, 500, 200]);

    await expect(
      new RetryDeliveryHandler(endpoints, repository, clock, quietLogger).retry('client-other', endpoint.endpoint_id, one.delivery_id),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    const bulk = await new RedeliverFailedHandler(endpoints, repository, clock, quietLogger).redeliver('client-recover', endpoint.endpoint_id, since);
    expect(bulk.queued).toBe(2);
    await waitFor('the bulk re-delivery', async () =>
      (await Promise.all(events.map((e) => deliveriesOf(e.messageId)))).every(([d]) => d.status === 'succeeded'),
    );
    await worker.idle();
    expect(receiver.received('/recover').filter((request) => request.headers['x-webhook-id'] === events[0].messageId)).toHaveLength(4);
    expect(new Set(receiver.received('/recover').map((request) => request.headers['x-webhook-id']))).toEqual(new Set(events.map((e) => e.messageId)));
  });

  it("sends one endpoint's webhooks over one kept-alive connection, a 1 KiB excerpt of a longer answer closing only its own", async () => {
    const url = receiver.script('/keep-alive', (attempt) => (attempt === 3 ? { status: 200, body: 'x'.repeat(64 * 1024) } : { status: 200, body: 'ok' }));
    await register('client-keep-alive', url);

    for (let sent = 1; sent <= 5; sent++) {
      const envelope = orderCreated('client-keep-alive');
      await publish(envelope);
      const [delivery] = await attempted(envelope.messageId);
      expect(delivery.attempts[0].response_excerpt).toHaveLength(sent === 3 ? 1024 : 2);
    }

    const sockets = receiver.received('/keep-alive').map((request) => request.socket);
    expect(sockets).toHaveLength(5);
    expect(new Set(sockets.slice(0, 3)).size).toBe(1);
    expect(sockets[4]).toBe(sockets[3]);
    expect(sockets[3]).not.toBe(sockets[2]);
    await waitFor('the cut-short connection to close', () => sockets[2].destroyed);
  });

  it('an endpoint at its cap through two replicas together: each finished send claims the next due delivery at once, not at the poll', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const path = '/capped-together';
    await register(
      'client-capped-together',
      receiver.script(path, (attempt) => ({ status: 200, until: attempt <= 2 ? held : undefined })),
    );
    await worker.idle();
    receiver.maxActive = 0;
    // Scheduled without waking anyone: which worker claims what is up to this test.
    const quiet = new ScheduleDeliveriesHandler(clock, config, new WebhookDeliveryRepository(dataSource, new Outbox(), quietLogger));
    const events = Array.from({ length: 5 }, () => orderCreated('client-capped-together'));
    const otherReplica = newWorker();

    try {
      await dataSource.transaction((manager) => quiet.handle(events[0], manager));
      worker.wake();
      await waitFor('the first replica to hold one send', () => receiver.received(path).length === 1);
      for (const envelope of events.slice(1)) await dataSource.transaction((manager) => quiet.handle(envelope, manager));
      otherReplica.wake();
      await waitFor("the second replica to hold the endpoint's other send", () => receiver.received(path).length === 2);
      release();

      // Neither replica alone had the endpoint at its cap; the poll is 10 minutes away.
      await waitFor('every delivery sent', () => receiver.received(path).length === events.length);
      await Promise.all([worker.idle(), otherReplica.idle()]);
      for (const envelope of events)
        expect(await deliveriesOf(envelope.messageId)).toEqual([expect.objectContaining({ status: 'succeeded', attempt_count: 1 })]);
      expect(receiver.maxActive).toBeLessThanOrEqual(config.WEBHOOK_ENDPOINT_CONCURRENCY);
    } finally {
      release();
      await otherReplica.onApplicationShutdown();
    }
  });

  it('schedules the events of one transaction (a consumer batch) in one statement just before it commits', async () => {
    await register(
      'client-batch',
      receiver.script('/batch', () => ({ status: 200 })),
    );
    const events = Array.from({ length: 3 }, () => orderCreated('client-batch'));

    const sent = await statementsInTransaction(dataSource, async (manager) => {
      for (const event of events) await schedule.handle(event, manager);
    });

    expect(sent.byHandlers).toEqual([]);
    expect(sent.atCommit.map(statementVerb)).toEqual(['INSERT', 'COMMIT']);
    for (const event of events) expect(await attempted(event.messageId)).toEqual([expect.objectContaining({ status: 'succeeded', attempt_count: 1 })]);
  });

  it('records attempts that leave their deliveries live in one statement; one another replica recorded first, and a last attempt, go the locked way', async () => {
    const endpoint = await register(
      'client-record',
      receiver.script('/record', () => ({ status: 200 })),
    );
    // Due only far in the future, so the running worker leaves them to this test.
    const farFuture = new Date(clock.now().getTime() + 3650 * 86_400_000);
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const id of ids) {
      await dataSource.query(
        `INSERT INTO webhook_delivery (delivery_id, endpoint_id, event_id, event_type, order_id, body, status, attempt_count, next_attempt_at)
         VALUES ($1, $2, gen_random_uuid(), 'order.created', 'ord_record', '{}', 'pending', 0, $3)`,
        [id, endpoint.endpoint_id, farFuture],
      );
    }
    const leased = await repository.claimDue(farFuture, { limit: 50, perEndpoint: 50, lockMs: 60_000 });
    const claimed = ids.flatMap((id) => leased.filter((delivery) => delivery.deliveryId === id));
    // An expired lease let another replica send and record the fourth one's first attempt meanwhile.
    await dataSource.query(`UPDATE webhook_delivery SET attempt_count = 1 WHERE delivery_id = $1`, [ids[3]]);
    const attempt = { attemptedAt: clock.now(), statusCode: 200, durationMs: 3, error: null, responseExcerpt: 'ok' };
    const retryAt = new Date(clock.now().getTime() + 60_000);
    const decisions: ((attemptsMade: number) => DeliveryDecision)[] = [
      () => ({ status: 'succeeded' }),
      () => ({ status: 'succeeded' }),
      () => ({ status: 'pending', nextAttemptAt: retryAt }),
      () => ({ status: 'succeeded' }),
      () => ({ status: 'failed', reason: 'exhausted' }),
    ];
    const statements = jest.spyOn(dataSource, 'query');
    const transactions = jest.spyOn(dataSource, 'transaction');

    const sent = { statements: [] as string[], transactions: 0 };
    let results: PromiseSettledResult<RecordedAttempt>[];
    try {
      results = await repository.recordAttempts(claimed.map((delivery, index) => ({ delivery, attempt, decide: decisions[index] })));
      sent.statements = statements.mock.calls.map(([sql]) => sql.trim().split(/\s+/)[0]);
      sent.transactions = transactions.mock.calls.length;
    } finally {
      statements.mockRestore();
      transactions.mockRestore();
    }

    expect(claimed).toHaveLength(5);
    // One statement for the three live ones; the fourth and the fifth (with its WebhookDeliveryFailed) locked.
    expect(sent).toEqual({ statements: ['WITH', 'SELECT', 'INSERT', 'UPDATE', 'SELECT', 'INSERT', 'UPDATE', 'INSERT'], transactions: 2 });
    expect(
      results.map((result) =>
        result.status === 'fulfilled' ? [result.value.attemptNumber, result.value.decision.status, result.value.applied] : result.reason,
      ),
    ).toEqual([
      [1, 'succeeded', true],
      [1, 'succeeded', true],
      [1, 'pending', true],
      [2, 'succeeded', true],
      [1, 'failed', true],
    ]);
    const rows: { delivery_id: string; status: string; attempt_count: number; next_attempt_at: Date; locked_until: Date | null; attempts: number[] }[] =
      await dataSource.query(
        `SELECT d.delivery_id, d.status, d.attempt_count, d.next_attempt_at, d.locked_until, array_agg(a.attempt_number ORDER BY a.attempt_number) AS attempts
         FROM webhook_delivery d JOIN webhook_attempt a USING (delivery_id)
        WHERE d.delivery_id = ANY ($1::uuid[]) GROUP BY d.delivery_id`,
        [ids],
      );
    const found = new Map(rows.map((row) => [row.delivery_id, row]));
    expect(ids.map((id) => found.get(id)).map((row) => row && [row.status, row.attempt_count, row.attempts, row.locked_until])).toEqual([
      ['succeeded', 1, [1], null],
      ['succeeded', 1, [1], null],
      ['pending', 1, [1], null],
      ['succeeded', 2, [2], null],
      ['failed', 1, [1], null],
    ]);
    expect(found.get(ids[2])?.next_attempt_at.toISOString()).toBe(retryAt.toISOString());
    const announced: unknown[] = await dataSource.query(`SELECT 1 FROM outbox WHERE envelope->'payload'->>'deliveryId' = $1`, [ids[4]]);
    expect(announced).toHaveLength(1);
  });

  it('in production mode refuses private URLs at registration and private addresses at connect time, after DNS', async () => {
    const production = validateConfig(NotificationServiceConfig, {
      DATABASE_URL: 'postgres://x@127.0.0.1/x',
      KAFKA_BROKERS: '127.0.0.1:9',
      DEPLOY_ENV: 'production',
    });
    const policy = new NetworkPolicy(production.networkPolicy);
    const guardedRegistrar = new RegisterWebhookEndpointHandler(new WebhookEndpointRepository(dataSource), new WebhookUrlValidator(policy), clock, quietLogger);

    for (const [url, reason] of [
      ['http://example.com/hook', /https/],
      ['https://127.0.0.1/hook', /loopback/],
      ['https://169.254.169.254/latest/meta-data', /metadata/],
      ['https://[::ffff:10.0.0.1]/hook', /private/],
      ['https://localhost/hook', /localhost resolves to .*loopback/],
    ] as const) {
      const refusal = await guardedRegistrar.register('client-prod', { url, event_types: ['order.created'] }).then(
        () => null,
        (error: DomainError) => error,
      );
      expect(refusal).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ field: 'url', error: expect.stringMatching(reason) }] });
    }

    // What registration cannot see: a name that resolves to a private address only when the webhook is sent.
    const stagingSender = new WebhookSender(new NetworkPolicy({ allowPrivateNetworks: false, allowedCidrs: [], requireHttps: false }));
    const url = receiver.script('/rebound', () => ({ status: 200 })).replace('127.0.0.1', 'localhost');
    try {
      await expect(stagingSender.post({ url, body: '{}', headers: {}, timeoutMs: 2000 })).rejects.toMatchObject({
        code: 'EWEBHOOKADDRESS',
        message: expect.stringMatching(/localhost resolves to .*loopback/),
      });
      await expect(stagingSender.post({ url: receiver.url('/rebound'), body: '{}', headers: {}, timeoutMs: 2000 })).rejects.toMatchObject({
        code: 'EWEBHOOKADDRESS',
      });
    } finally {
      await stagingSender.onModuleDestroy();
    }
    expect(receiver.received('/rebound')).toHaveLength(0);
  });
});
