import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { ORDER_CREATED, WEBHOOK_TEST_EVENT_TYPE } from '@order-saga/contracts';
import type { WebhookDeliveryListResponseDto, WebhookEndpointWithSecretResponseDto } from '@order-saga/contracts/http';
import type {
  DeadLetterDepthResponseDto,
  DeadLetterPageResponseDto,
  OperatorWebhookDeliveryPageResponseDto,
  OperatorWebhookDeliveryResponseDto,
  OperatorWebhookEndpointPageResponseDto,
  WebhookActionResponseDto,
  WebhookFiguresResponseDto,
} from '@order-saga/contracts/http/operator';
import { createServiceApp } from '@order-saga/shared/http';
import { pollUntil, ServiceUnderTest, startServiceUnderTest, testEnvelope, testKafkaBrokers, WebhookRecorder } from '@order-saga/shared/testing';
import { verifyWebhook, WEBHOOK_HEADERS } from '@order-saga/webhooks';
import { DataSource } from 'typeorm';
import { ScheduleDeliveriesHandler } from '../deliveries/schedule-deliveries/schedule-deliveries.handler';

/**
 * Operators' webhook routes on notification-service as it runs (its AppModule over HTTP, its delivery worker,
 * real PostgreSQL; Kafka only for the messaging library's producers), with recording receivers: one that takes
 * every webhook (204), one that refuses them (500). Order events are scheduled as the consumer schedules them.
 * One attempt per delivery (WEBHOOK_RETRY_SCHEDULE_SECONDS=0), so a refused one is failed at once.
 */
const suffix = randomBytes(4).toString('hex');
const OPERATOR = 'ops@example.com';

describe("operators and webhooks: every client's endpoints and deliveries, resends, test events (HTTP + PostgreSQL)", () => {
  const taking = new WebhookRecorder();
  const refusing = new WebhookRecorder();
  let service: ServiceUnderTest | undefined;
  let app: INestApplication | undefined;
  let dataSource: DataSource;
  let schedule: ScheduleDeliveriesHandler;
  let baseUrl: string;
  let urls: { taking: string; refusing: string };

  beforeAll(async () => {
    refusing.status = 500;
    const takingUrl = await taking.start();
    const refusingUrl = await refusing.start();
    urls = { taking: `${takingUrl}/hooks`, refusing: `${refusingUrl}/hooks` };
    service = await startServiceUnderTest({
      name: 'operator_webhooks',
      module: () => import('../app.module').then((loaded) => loaded.AppModule),
      env: { KAFKA_BROKERS: testKafkaBrokers(), WEBHOOK_RETRY_SCHEDULE_SECONDS: '0', WEBHOOK_TIMEOUT_MS: '2000', DELIVERY_POLL_INTERVAL_MS: '200' },
    });
    const { AppModule } = await import('../app.module');
    app = await createServiceApp(AppModule);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    dataSource = app.get(DataSource);
    schedule = app.get(ScheduleDeliveriesHandler);
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await service?.stop();
    await taking.stop();
    await refusing.stop();
  });

  const call = async <T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body?: unknown,
    headers: Record<string, string> = { 'x-operator-id': OPERATOR },
  ): Promise<{ status: number; replayed: string | null; text: string; body: T }> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, replayed: response.headers.get('idempotent-replayed'), text, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const action = (reason = 'the receiver is back') => ({ action_id: randomUUID(), reason });
  /** A client's endpoint, registered through the client's own route. */
  const register = async (clientId: string, url: string) => {
    const registered = await call<WebhookEndpointWithSecretResponseDto>(
      'POST',
      '/webhook-endpoints',
      { url, event_types: ['order.created'] },
      { 'x-client-id': clientId },
    );
    expect(registered.status).toBe(201);
    return registered.body;
  };
  /** An OrderCreated of the client's, scheduled as the consumer schedules it; resolves with the order id. */
  const orderCreated = async (clientId: string): Promise<string> => {
    const orderId = `ORD-${randomBytes(4).toString('hex').toUpperCase()}`;
    const envelope = testEnvelope(ORDER_CREATED, orderId, {
      orderId,
      clientId,
      customerId: 'CUST-OPS-1',
      status: 'confirmed' as const,
      totalCents: 1999,
      currency: 'USD' as const,
      items: [{ productId: 'SKU-OPS-1', quantity: 1, unitPriceCents: 1999 }],
      createdAt: new Date().toISOString(),
    });
    await dataSource.transaction((manager) => schedule.handle(envelope, manager));
    return orderId;
  };
  const delivery = async (deliveryId: string) => (await call<OperatorWebhookDeliveryResponseDto>('GET', `/operator/webhook-deliveries/${deliveryId}`)).body;
  /** The deliveries of the client once each has reached a final status (one attempt each). */
  const settledDeliveriesOf = (clientId: string, count: number) =>
    pollUntil(
      async () => {
        const page = (await call<OperatorWebhookDeliveryPageResponseDto>('GET', `/operator/webhook-deliveries?client_id=${clientId}&limit=100`)).body;
        return page.data.length === count && page.data.every((found) => found.status !== 'pending') ? page.data : undefined;
      },
      { description: `${count} settled deliveries of ${clientId}` },
    );
  const requestsWithEventId = (recorder: WebhookRecorder, eventId: string) =>
    recorder.requests.filter((request) => request.headers['x-webhook-id'] === eventId);

  it("lists every client's live endpoints, oldest first, by client and by enabled; never a secret", async () => {
    const [clientA, clientB] = [`ops-a-${suffix}`, `ops-b-${suffix}`];
    const first = await register(clientA, urls.taking);
    const second = await register(clientA, urls.refusing);
    const other = await register(clientB, urls.taking);
    expect((await call('PATCH', `/webhook-endpoints/${second.endpoint_id}`, { enabled: false }, { 'x-client-id': clientA })).status).toBe(200);

    const ofA = await call<OperatorWebhookEndpointPageResponseDto>('GET', `/operator/webhook-endpoints?client_id=${clientA}`);
    expect(ofA.status).toBe(200);
    expect(ofA.body.data.map((endpoint) => endpoint.endpoint_id)).toEqual([first.endpoint_id, second.endpoint_id]);
    expect(ofA.body.data[0]).toEqual({
      endpoint_id: first.endpoint_id,
      client_id: clientA,
      url: urls.taking,
      event_types: ['order.created'],
      description: null,
      enabled: true,
      disabled_reason: null,
      previous_secret_expires_at: null,
      created_at: first.created_at,
      updated_at: expect.any(String),
    });
    expect(ofA.text).not.toContain('whsec_');
    const disabled = await call<OperatorWebhookEndpointPageResponseDto>('GET', `/operator/webhook-endpoints?client_id=${clientA}&enabled=false`);
    expect(disabled.body.data.map((endpoint) => [endpoint.endpoint_id, endpoint.disabled_reason])).toEqual([[second.endpoint_id, 'client']]);

    // Page by page across clients: each endpoint once, in order.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: OperatorWebhookEndpointPageResponseDto = (
        await call<OperatorWebhookEndpointPageResponseDto>('GET', `/operator/webhook-endpoints?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
      ).body;
      seen.push(...page.data.map((endpoint) => endpoint.endpoint_id));
      cursor = page.pagination.next_cursor;
    } while (cursor);
    expect(seen.filter((id) => [first.endpoint_id, second.endpoint_id, other.endpoint_id].includes(id))).toEqual([
      first.endpoint_id,
      second.endpoint_id,
      other.endpoint_id,
    ]);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("lists deliveries across clients with their attempts, newest first, by status, client, endpoint, event and order; one order's deliveries for its saga page", async () => {
    const clientId = `ops-log-${suffix}`;
    const good = await register(clientId, urls.taking);
    const bad = await register(clientId, urls.refusing);
    const orders = [await orderCreated(clientId), await orderCreated(clientId)];
    const all = await settledDeliveriesOf(clientId, 4);

    expect(all.map((found) => found.order_id)).toEqual([orders[1], orders[1], orders[0], orders[0]]);
    const failed = await call<OperatorWebhookDeliveryPageResponseDto>('GET', `/operator/webhook-deliveries?client_id=${clientId}&status=failed`);
    expect(failed.body.data.map((found) => [found.endpoint_id, found.order_id])).toEqual([
      [bad.endpoint_id, orders[1]],
      [bad.endpoint_id, orders[0]],
    ]);
    expect(failed.body.data[0]).toMatchObject({
      client_id: clientId,
      url: urls.refusing,
      event_type: 'order.created',
      status: 'failed',
      failure_reason: 'exhausted',
      attempt_count: 1,
      next_attempt_at: null,
      attempts: [{ attempt_number: 1, status_code: 500, error: null }],
    });
    const ofOrder = await call<OperatorWebhookDeliveryPageResponseDto>('GET', `/operator/webhook-deliveries?order_id=${orders[0]}`);
    expect(ofOrder.body.data.map((found) => [found.endpoint_id, found.status]).sort()).toEqual(
      [
        [good.endpoint_id, 'succeeded'],
        [bad.endpoint_id, 'failed'],
      ].sort(),
    );
    const byEvent = await call<OperatorWebhookDeliveryPageResponseDto>(
      'GET',
      `/operator/webhook-deliveries?event_id=${all[0].event_id}&endpoint_id=${good.endpoint_id}`,
    );
    expect(byEvent.body.data.map((found) => found.delivery_id)).toEqual(
      all.filter((found) => found.event_id === all[0].event_id && found.endpoint_id === good.endpoint_id).map((found) => found.delivery_id),
    );
    const firstPage = await call<OperatorWebhookDeliveryPageResponseDto>('GET', `/operator/webhook-deliveries?client_id=${clientId}&limit=3`);
    const secondPage = await call<OperatorWebhookDeliveryPageResponseDto>(
      'GET',
      `/operator/webhook-deliveries?client_id=${clientId}&limit=3&cursor=${firstPage.body.pagination.next_cursor}`,
    );
    expect([...firstPage.body.data, ...secondPage.body.data].map((found) => found.delivery_id)).toEqual(all.map((found) => found.delivery_id));
    expect(secondPage.body.pagination).toEqual({ limit: 3, has_more: false, next_cursor: null });
  });

  it('resends one delivery: a new attempt by the worker with the same event id and body; a repeat of the action answers the first answer and queues nothing', async () => {
    const clientId = `ops-resend-${suffix}`;
    const bad = await register(clientId, urls.refusing);
    await orderCreated(clientId);
    const [failed] = await settledDeliveriesOf(clientId, 1);
    expect(failed).toMatchObject({ status: 'failed', attempt_count: 1 });
    const [firstRequest] = requestsWithEventId(refusing, failed.event_id);

    const resend = action();
    refusing.status = 204;
    try {
      const answer = await call<WebhookActionResponseDto>('POST', `/operator/webhook-deliveries/${failed.delivery_id}/resend`, resend);
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({
        action_id: resend.action_id,
        action: 'resend',
        operator_id: OPERATOR,
        reason: 'the receiver is back',
        endpoint_id: bad.endpoint_id,
        client_id: clientId,
        since: null,
        delivery_ids: [failed.delivery_id],
        occurred_at: expect.any(String),
      });
      const resent = await pollUntil(async () => {
        const found = await delivery(failed.delivery_id);
        return found.status === 'succeeded' ? found : undefined;
      });
      expect(resent.attempts.map((attempt) => [attempt.attempt_number, attempt.status_code])).toEqual([
        [1, 500],
        [2, 204],
      ]);
      const requests = requestsWithEventId(refusing, failed.event_id);
      expect(requests).toHaveLength(2);
      expect(requests[1].rawBody.equals(firstRequest.rawBody)).toBe(true);

      const repeat = await call('POST', `/operator/webhook-deliveries/${failed.delivery_id}/resend`, resend);
      expect(repeat).toMatchObject({ status: 202, replayed: 'true', text: answer.text });
      // A resend queues in its own transaction: had the repeat queued, the delivery would be pending again.
      expect(await delivery(failed.delivery_id)).toMatchObject({ status: 'succeeded', attempt_count: 2 });
    } finally {
      refusing.status = 500;
    }
  });

  it('resends the failed deliveries since a time, of a client or of one endpoint: exactly the failed ones created at or after it', async () => {
    const clientId = `ops-since-${suffix}`;
    const good = await register(clientId, urls.taking);
    const bad = await register(clientId, urls.refusing);
    const otherBad = await register(`ops-since-other-${suffix}`, urls.refusing);
    await orderCreated(clientId);
    const before = await settledDeliveriesOf(clientId, 2);
    const [{ since }]: { since: Date }[] = await dataSource.query('SELECT clock_timestamp() AS since');
    await orderCreated(clientId);
    await orderCreated(clientId);
    await orderCreated(`ops-since-other-${suffix}`);
    const all = await settledDeliveriesOf(clientId, 6);
    const failedAfter = all
      .filter((found) => found.status === 'failed' && new Date(found.created_at) >= since)
      .map((found) => found.delivery_id)
      .reverse();
    expect(failedAfter).toHaveLength(2);

    const resend = { ...action(), since: since.toISOString(), client_id: clientId };
    const answer = await call<WebhookActionResponseDto>('POST', '/operator/webhook-deliveries/resend-failed', resend);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      action: 'resend-failed',
      client_id: clientId,
      endpoint_id: null,
      since: since.toISOString(),
      delivery_ids: failedAfter,
    });
    for (const deliveryId of failedAfter) {
      await pollUntil(async () => ((await delivery(deliveryId)).attempt_count === 2 ? true : undefined), { description: `a second attempt of ${deliveryId}` });
    }
    // The failed one before `since`, the succeeded ones and another client's are as they were.
    for (const untouched of [...before, ...all.filter((found) => found.status === 'succeeded')]) {
      expect(await delivery(untouched.delivery_id)).toMatchObject({ status: untouched.status, attempt_count: 1 });
    }
    const [otherFailed] = await settledDeliveriesOf(`ops-since-other-${suffix}`, 1);
    expect(otherFailed).toMatchObject({ endpoint_id: otherBad.endpoint_id, attempt_count: 1 });
    expect(good.endpoint_id).not.toBe(bad.endpoint_id);

    // By endpoint: the same two, failed again, and nothing of the other endpoint (which has none failed).
    const byEndpoint = await call<WebhookActionResponseDto>('POST', '/operator/webhook-deliveries/resend-failed', {
      ...action(),
      since: since.toISOString(),
      endpoint_id: bad.endpoint_id,
    });
    expect(byEndpoint.body).toMatchObject({ endpoint_id: bad.endpoint_id, client_id: clientId, delivery_ids: failedAfter });
    const both = await call('POST', '/operator/webhook-deliveries/resend-failed', {
      ...action(),
      since: since.toISOString(),
      endpoint_id: bad.endpoint_id,
      client_id: clientId,
    });
    expect(both.status).toBe(400);
    const future = await call('POST', '/operator/webhook-deliveries/resend-failed', {
      ...action(),
      since: new Date(Date.now() + 3_600_000).toISOString(),
      client_id: clientId,
    });
    expect(future.status).toBe(400);
  });

  it('sends a test event to an endpoint: the receiver gets a signed webhook.test once; a refused one fails at once and announces nothing; the client log leaves them out', async () => {
    const clientId = `ops-test-${suffix}`;
    const endpoint = await register(clientId, urls.taking);
    const refusingEndpoint = await register(clientId, urls.refusing);
    const send = action('checking the endpoint after the client moved it');

    const answer = await call<WebhookActionResponseDto>('POST', `/operator/webhook-endpoints/${endpoint.endpoint_id}/test-event`, send);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      action: 'send-test-event',
      endpoint_id: endpoint.endpoint_id,
      client_id: clientId,
      delivery_ids: [expect.any(String)],
    });
    const [deliveryId] = answer.body.delivery_ids;
    const sent = await pollUntil(async () => {
      const found = await delivery(deliveryId);
      return found.status === 'succeeded' ? found : undefined;
    });
    expect(sent).toMatchObject({ event_type: WEBHOOK_TEST_EVENT_TYPE, order_id: null, attempt_count: 1, attempts: [{ status_code: 204 }] });
    const [received] = requestsWithEventId(taking, sent.event_id);
    expect(received.headers[WEBHOOK_HEADERS.eventType.toLowerCase()]).toBe('webhook.test');
    expect(verifyWebhook({ body: received.rawBody, headers: received.headers, secrets: [endpoint.secret] })).toMatchObject({
      valid: true,
      scheme: 'standard-webhooks',
      webhookId: sent.event_id,
    });
    expect(JSON.parse(received.rawBody.toString())).toEqual({
      event_id: sent.event_id,
      event_type: 'webhook.test',
      timestamp: expect.any(String),
      data: { object_type: 'webhook_endpoint', object_id: endpoint.endpoint_id, message: expect.any(String) },
    });
    expect((await call('POST', `/operator/webhook-endpoints/${endpoint.endpoint_id}/test-event`, send)).replayed).toBe('true');

    const refused = await call<WebhookActionResponseDto>('POST', `/operator/webhook-endpoints/${refusingEndpoint.endpoint_id}/test-event`, action());
    const failed = await pollUntil(async () => {
      const found = await delivery(refused.body.delivery_ids[0]);
      return found.status === 'failed' ? found : undefined;
    });
    expect(failed).toMatchObject({ attempt_count: 1, failure_reason: 'exhausted' });
    expect(
      await dataSource.query(`SELECT 1 FROM outbox WHERE message_type = 'WebhookDeliveryFailed' AND envelope->'payload'->>'deliveryId' = $1`, [
        failed.delivery_id,
      ]),
    ).toEqual([]);
    const clientLog = await call<WebhookDeliveryListResponseDto>('GET', `/webhook-endpoints/${endpoint.endpoint_id}/deliveries`, undefined, {
      'x-client-id': clientId,
    });
    expect(clientLog.body.data).toEqual([]);
    expect(requestsWithEventId(taking, sent.event_id)).toHaveLength(1);
  });

  it('refuses without an operator (401), a malformed body (400), what does not exist (404), an endpoint its client disabled (409)', async () => {
    const clientId = `ops-refuse-${suffix}`;
    const endpoint = await register(clientId, urls.taking);
    const path = `/operator/webhook-endpoints/${endpoint.endpoint_id}/test-event`;

    expect((await call('POST', path, action(), {})).status).toBe(401);
    expect((await call('POST', path, { action_id: randomUUID() })).status).toBe(400);
    expect((await call('POST', `/operator/webhook-endpoints/${randomUUID()}/test-event`, action())).status).toBe(404);
    expect((await call('POST', `/operator/webhook-deliveries/${randomUUID()}/resend`, action())).status).toBe(404);
    expect((await call('POST', '/operator/webhook-deliveries/not-a-uuid/resend', action())).status).toBe(404);
    expect((await call('GET', `/operator/webhook-deliveries/${randomUUID()}`)).status).toBe(404);
    expect((await call('GET', '/operator/webhook-deliveries?status=lost')).status).toBe(400);
    await call('PATCH', `/webhook-endpoints/${endpoint.endpoint_id}`, { enabled: false }, { 'x-client-id': clientId });
    const disabled = await call('POST', path, action());
    expect(disabled.status).toBe(409);
    expect(disabled.body).toMatchObject({
      error_code: 'CONFLICT',
      message: `Webhook endpoint ${endpoint.endpoint_id} is disabled; its client must enable it before anything is sent to it`,
    });
  });

  it("serves the operators' dead-letter list of notification-service", async () => {
    const page = await call<DeadLetterPageResponseDto>('GET', '/dead-letters?status=parked');
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ data: [], pagination: { limit: 20, has_more: false, next_cursor: null } });
  });

  it('counts its parked dead letters exactly, per consumer and topic, the deepest first; settled ones are not counted', async () => {
    expect((await call<DeadLetterDepthResponseDto>('GET', '/dead-letters/depth')).body).toEqual({ parked: 0, consumers: [] });
    const park = (consumer: string, topic: string, offset: number, status = 'parked') =>
      dataSource.query(
        `INSERT INTO dead_letter (consumer, topic, partition, "offset", headers, error, status, settled_at)
         VALUES ($1, $2, 0, $3, '{}', 'failed after 5 attempts', $4, CASE WHEN $4 = 'parked' THEN NULL ELSE now() END)`,
        [consumer, topic, String(offset), status],
      );
    await park('notification.schedule-deliveries', 'order.event.order-created.v1', 1);
    await park('notification.schedule-deliveries', 'order.event.order-created.v1', 2);
    await park('notification.schedule-deliveries', 'order.event.order-cancelled.v1', 3);
    await park('notification.schedule-deliveries', 'order.event.order-cancelled.v1', 4, 'discarded');

    const depth = await call<DeadLetterDepthResponseDto>('GET', '/dead-letters/depth');
    expect(depth.status).toBe(200);
    expect(depth.body).toEqual({
      parked: 3,
      consumers: [
        { consumer: 'notification.schedule-deliveries', topic: 'order.event.order-created.v1', parked: 2 },
        { consumer: 'notification.schedule-deliveries', topic: 'order.event.order-cancelled.v1', parked: 1 },
      ],
    });
  });

  it("serves the overview's webhook figures before the delivery routes would take 'figures' for a delivery id", async () => {
    const figures = await call<WebhookFiguresResponseDto>('GET', '/operator/webhook-deliveries/figures?minutes=5');
    expect(figures.status).toBe(200);
    expect(figures.body).toMatchObject({ window_minutes: 5, minutes: expect.any(Array) });
    expect(figures.body.minutes).toHaveLength(5);
  });
});
