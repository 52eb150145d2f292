import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { respawnService, waitUntilReady } from '@order-saga/infra';
import { SpanKind } from '@opentelemetry/api';
import { OrderSagaClient, RequestOptions } from '@order-saga/sdk';
import { ancestorsOf, ExportedSpan, formatTraceTree } from '@order-saga/shared/observability';
import { answerOf, pollUntil, RunningSystem } from '@order-saga/shared/testing';
import { jsonLines, log, metricValue, scrape, shippingAddress, startObservedStack } from './support/observed-stack';

const FIVE_SERVICES = ['gateway', 'order-service', 'inventory-service', 'payment-service', 'notification-service'];

interface LogLine {
  service?: string;
  request_id?: string;
  trace_id?: string;
  span_id?: string;
  order_id?: string;
  req?: { headers?: Record<string, string> };
}

/** All five services as processes, spans exported to a file, orders placed through the gateway. */
describe('observing orders through all five services', () => {
  let system: RunningSystem;
  let tracesFile: string;
  /** One attempt per call: each answer as the gateway gave it (the burst counts the 503s of a stopped order-service). */
  let api: OrderSagaClient;
  let productId: string;
  let customerId: string;

  const placeOrder = (options: RequestOptions = {}, customer = customerId) =>
    answerOf<{ order_id?: string; status?: string; error_code?: string }>(
      api.send('POST', '/api/v1/orders', {
        ...options,
        body: { customer_id: customer, items: [{ product_id: productId, quantity: 1 }], shipping_address: shippingAddress },
      }),
    );
  const orderService = () => system.services.replicas['order-service'][0];

  beforeAll(async () => {
    // Per-message lines ('message handled') are debug (a hot path at info costs a line per message);
    // the participants log at debug here so the request id's crossing of Kafka can be read off them.
    ({ system, tracesFile } = await startObservedStack('flow', {
      'order-service': { SHUTDOWN_TIMEOUT_MS: '20000' },
      'inventory-service': { LOG_LEVEL: 'debug' },
      'payment-service': { LOG_LEVEL: 'debug' },
    }));
    api = system.sdk(undefined, { retry: { maxAttempts: 1 } });
    // The token now, so the first test's trace is the order's alone.
    await api.tokens.accessToken();
    productId = await system.seed.product({ available: 10_000 });
    customerId = await system.seed.customer();
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('one order is one trace: every service, with its pg, Redis and producer spans, each under the step that caused it', async () => {
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');

    const response = await placeOrder({ headers: { traceparent: `00-${traceId}-${clientSpanId}-01` } });
    expect(response.status).toBe(201);
    const orderId = String(response.body.order_id);

    // Each process writes a span when it ends, so a child in one service can be on file before its
    // parent in another (a consumer's span before the producer's, which waits for the broker's ack).
    // The trace is awaited until it is whole: every hop of the saga consumed, the gateway's root span and every parent on file.
    const spans = await pollUntil(
      async () => {
        const inTrace = jsonLines<ExportedSpan>(tracesFile).filter((span) => span.traceId === traceId);
        const rooted = inTrace.some((span) => span.service === 'gateway' && span.parentSpanId === clientSpanId);
        const consumed = SAGA_HOPS.every((hop) => inTrace.some((span) => span.service === hop.to && span.name === `${hop.message} process`));
        return rooted && consumed && orphansOf(inTrace, clientSpanId).length === 0 ? inTrace : undefined;
      },
      { timeoutMs: 30_000, description: 'spans of the trace from all five services, every hop consumed, every parent among them' },
    );
    log(`the trace of order ${orderId}:\n${formatTraceTree(spans)}`);

    // One trace: no span of any service that names this order (message consumers by order_id, sends by their key) is in another.
    const aboutTheOrder = jsonLines<ExportedSpan>(tracesFile).filter(
      (span) => span.attributes.order_id === orderId || span.attributes['messaging.kafka.message.key'] === orderId,
    );
    expect(aboutTheOrder.filter((span) => span.traceId !== traceId)).toEqual([]);
    expect(orphansOf(spans, clientSpanId)).toEqual([]);
    expect(new Set(spans.map((span) => span.service))).toEqual(new Set(FIVE_SERVICES));

    // The edge: the gateway's server span, its Redis calls (rate limit) and its call to order-service under it.
    const root = spans.filter((span) => span.parentSpanId === clientSpanId);
    expect(root).toEqual([expect.objectContaining({ service: 'gateway', kind: SpanKind.SERVER, name: 'POST /api/v1/orders' })]);
    const redis = spans.filter((span) => span.attributes['db.system.name'] === 'redis');
    expect(redis.length).toBeGreaterThan(0);
    expect(redis.every((span) => span.service === 'gateway' && span.parentSpanId === root[0].spanId)).toBe(true);
    const upstream = spans.find((span) => span.service === 'order-service' && span.kind === SpanKind.SERVER);
    expect(upstream?.name).toBe('POST /orders');
    expect(parentOf(upstream, spans)).toMatchObject({ service: 'gateway', kind: SpanKind.CLIENT, parentSpanId: root[0].spanId });

    // Each hop of the saga: the sender's relay sends in a PRODUCER span under the span that wrote the outbox
    // row (the request, or the message it handled), and the receiver's CONSUMER span is that send's child.
    for (const hop of SAGA_HOPS) {
      const consumer = spans.find((span) => span.service === hop.to && span.kind === SpanKind.CONSUMER && span.name === `${hop.message} process`);
      const producer = parentOf(consumer, spans);
      expect({ hop, producer: producer && pick(producer) }).toEqual({
        hop,
        producer: { service: hop.from, kind: SpanKind.PRODUCER, name: `send ${consumer?.attributes['messaging.destination.name']}` },
      });
      const writer = parentOf(producer, spans);
      expect(writer?.service).toBe(hop.from);
      expect([SpanKind.SERVER, SpanKind.CONSUMER]).toContain(writer?.kind);
      expect(consumer!.startUs).toBeGreaterThanOrEqual(producer!.startUs);
    }

    // Every service that keeps the saga's state has statements in the trace (the gateway's only statements are
    // the token endpoint's, another request), each under a span of its own service: the request, the message, or
    // the consumer batch's transaction ('message batch', begin/inbox/outbox/commit). This order is the only one
    // in flight (the first test), so every batch holds its messages alone and is part of its trace.
    const statements = spans.filter((span) => span.attributes['db.system.name'] === 'postgresql');
    expect(new Set(statements.map((span) => span.service))).toEqual(new Set(FIVE_SERVICES.filter((service) => service !== 'gateway')));
    const misplaced = statements.filter((statement) => {
      const owner = ancestorsOf(statement, spans).find((span) => span.attributes['db.system.name'] === undefined);
      return owner?.service !== statement.service || ![SpanKind.SERVER, SpanKind.CONSUMER, SpanKind.INTERNAL].includes(owner.kind);
    });
    expect(misplaced.map(pick)).toEqual([]);
    // A producer span per service that sends (the gateway and notification-service send nothing for a confirmed order).
    const senders = new Set(spans.filter((span) => span.kind === SpanKind.PRODUCER).map((span) => span.service));
    expect(senders).toEqual(new Set(['order-service', 'inventory-service', 'payment-service']));
  });

  it("an order-service log line carries the request's X-Request-ID, with trace and order ids", async () => {
    const requestId = `obs-${randomUUID()}`;

    const response = await placeOrder({ requestId });
    expect(response.status).toBe(201);

    const lines = await pollUntil(
      async () => {
        const found = jsonLines<LogLine>(orderService().logFile).filter((line) => line.request_id === requestId);
        return found.some((line) => line.order_id === response.body.order_id) ? found : undefined;
      },
      { description: 'order-service log lines with the request id and the order id' },
    );
    expect(lines.every((line) => line.service === 'order-service')).toBe(true);
    expect(lines.find((line) => line.order_id === response.body.order_id)?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(lines.some((line) => /^[0-9a-f]{16}$/.test(line.span_id ?? ''))).toBe(true);
  });

  it("the request's X-Request-ID crosses Kafka: inventory and payment log the messages they handle with it (at debug)", async () => {
    const requestId = `obs-kafka-${randomUUID()}`;

    const response = await placeOrder({ requestId });
    expect(response.status).toBe(201);

    for (const service of ['inventory-service', 'payment-service'] as const) {
      const lines = await pollUntil(
        async () => {
          const found = jsonLines<LogLine>(system.services.replicas[service][0].logFile).filter((line) => line.request_id === requestId);
          return found.length > 0 ? found : undefined;
        },
        { description: `${service} log lines with the request id` },
      );
      expect(lines.every((line) => line.order_id === response.body.order_id && line.service === service)).toBe(true);
      expect(lines[0].trace_id).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('/metrics exposes the saga counters and they move as orders flow', async () => {
    const before = await scrape(orderService().url);
    const declining = await system.seed.customer({ customerId: `CUST-${randomUUID().slice(0, 8)}-DECLINE` });

    expect((await placeOrder()).status).toBe(201);
    expect((await placeOrder({}, declining)).status).toBe(402);

    const after = await pollUntil(
      async () => {
        const text = await scrape(orderService().url);
        return metricValue(text, 'order_saga_sagas_total', { outcome: 'compensated' }) >
          metricValue(before, 'order_saga_sagas_total', { outcome: 'compensated' })
          ? text
          : undefined;
      },
      { description: 'the compensated saga counted' },
    );
    expect(metricValue(after, 'order_saga_sagas_started_total') - metricValue(before, 'order_saga_sagas_started_total')).toBe(2);
    expect(
      metricValue(after, 'order_saga_sagas_total', { outcome: 'confirmed' }) - metricValue(before, 'order_saga_sagas_total', { outcome: 'confirmed' }),
    ).toBe(1);
    expect(
      metricValue(after, 'order_saga_sagas_total', { outcome: 'compensated' }) - metricValue(before, 'order_saga_sagas_total', { outcome: 'compensated' }),
    ).toBe(1);
    expect(metricValue(after, 'order_saga_saga_duration_seconds_count', { outcome: 'confirmed' })).toBeGreaterThan(
      metricValue(before, 'order_saga_saga_duration_seconds_count', { outcome: 'confirmed' }),
    );
    expect(after).toMatch(/^order_saga_sagas_in_flight\{service="order-service"\} \d+$/m);
    expect(after).toMatch(/^order_saga_outbox_backlog\{service="order-service"\} \d+$/m);
    expect(metricValue(after, 'http_request_duration_seconds_count', { route: '/orders', method: 'POST', status_code: '201' })).toBeGreaterThan(0);
    expect(after).toContain('process_cpu_user_seconds_total');

    const gateway = await scrape(system.urls.gateway);
    expect(metricValue(gateway, 'http_request_duration_seconds_count', { service: 'gateway', route: '/api/v1/orders', status_code: '402' })).toBeGreaterThan(0);
    const inventory = await scrape(system.urls['inventory-service']);
    expect(metricValue(inventory, 'order_saga_messages_processed_total', { result: 'handled' })).toBeGreaterThan(0);
    expect(inventory).toMatch(/^order_saga_consumer_lag\{[^}]*topic="inventory\./m);
  });

  it('no bearer token or client secret reaches a log line; the Authorization header is redacted', async () => {
    expect((await placeOrder({ requestId: `obs-redaction-${randomUUID()}` })).status).toBe(201);
    // The token the SDK sent: cached from the first call, well inside its hour.
    const token = await api.tokens.accessToken();
    const logs = system.services.running.map((service) => readFileSync(service.logFile, 'utf8'));

    for (const text of logs) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(system.client().secret);
    }
    const gatewayLines = jsonLines<LogLine>(system.services.replicas.gateway[0].logFile);
    expect(gatewayLines.some((line) => line.req?.headers?.authorization === '[REDACTED]')).toBe(true);
  });

  it('SIGTERM during a burst of orders loses no order, and order-service exits 0', async () => {
    const count = 24;
    const keys = Array.from({ length: count }, (_, index) => `obs-burst-${index}-${randomUUID()}`);
    const answered = new Map<string, number>();
    let terminated: Promise<number | null> | undefined;
    const service = orderService();

    // Four clients, six orders each, one after another: order-service gets SIGTERM once a quarter
    // of the orders were answered, so some are in flight and some not yet sent.
    await Promise.all(
      [0, 1, 2, 3].map(async (client) => {
        for (const key of keys.filter((_, index) => index % 4 === client)) {
          const response = await placeOrder({ idempotencyKey: key }).catch(() => ({ status: 0 }));
          answered.set(key, response.status);
          if (!terminated && answered.size >= count / 4) {
            const child = service.child;
            terminated = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
            child.kill('SIGTERM');
          }
        }
      }),
    );
    expect(terminated).toBeDefined();
    expect(await terminated).toBe(0);

    respawnService(service);
    await waitUntilReady(service);
    // What the gateway refused while order-service was down (503) a client sends again, same key.
    for (const key of keys.filter((candidate) => ![200, 201, 202].includes(answered.get(candidate) ?? 0))) {
      const retry = await placeOrder({ idempotencyKey: key });
      expect([200, 201, 202]).toContain(retry.status);
    }

    const orders = await pollUntil(
      async () => {
        const rows = await system.query<{ idempotency_key: string; status: string }>(
          'order-service',
          'SELECT idempotency_key, status FROM customer_order WHERE idempotency_key = ANY($1::text[])',
          [keys],
        );
        return rows.length === count && rows.every((row) => row.status === 'confirmed') ? rows : undefined;
      },
      { timeoutMs: 60_000, description: `all ${count} burst orders confirmed` },
    );
    expect(new Set(orders.map((row) => row.idempotency_key))).toEqual(new Set(keys));
    // The outbox rows of the last confirmations commit with them and go out a moment later: awaited, not raced.
    const unpublished = async () =>
      (await system.query<{ n: number }>('order-service', 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n;
    await expect(pollUntil(async () => ((await unpublished()) === 0 ? 'drained' : undefined), { description: "order-service's outbox drained" })).resolves.toBe(
      'drained',
    );
    const shutdownLog = readFileSync(service.logFile, 'utf8');
    expect(shutdownLog).toContain('SIGTERM received: draining');
    expect(shutdownLog).toContain('shutdown: outbox flush done');
  });
});

/** The messages of a confirmed order, in the order the saga sends them: who sends, who consumes (OrderCreated has two consumers). */
const SAGA_HOPS = [
  { from: 'order-service', message: 'ReserveStock', to: 'inventory-service' },
  { from: 'inventory-service', message: 'StockReserved', to: 'order-service' },
  { from: 'order-service', message: 'ProcessPayment', to: 'payment-service' },
  { from: 'payment-service', message: 'PaymentSucceeded', to: 'order-service' },
  { from: 'order-service', message: 'OrderCreated', to: 'notification-service' },
  { from: 'order-service', message: 'OrderCreated', to: 'inventory-service' },
];

function parentOf(span: ExportedSpan | undefined, spans: ExportedSpan[]): ExportedSpan | undefined {
  return span && spans.find((candidate) => candidate.spanId === span.parentSpanId);
}

const pick = ({ service, kind, name }: ExportedSpan) => ({ service, kind, name });

/** Spans whose parent is neither the client's span nor another span of the same trace: a broken tree. */
function orphansOf(spans: ExportedSpan[], clientSpanId: string): ExportedSpan[] {
  const ids = new Set(spans.map((span) => span.spanId));
  return spans.filter((span) => span.parentSpanId !== clientSpanId && !ids.has(span.parentSpanId ?? ''));
}
