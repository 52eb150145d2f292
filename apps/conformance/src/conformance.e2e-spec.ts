import { randomUUID } from 'node:crypto';
import { OrderSagaApiError, OrderSagaClient, PlaceOrderRequest, verifyWebhook } from '@order-saga/sdk';
import { pollUntil, WebhookRecorder } from '@order-saga/shared/testing';
import { CONFORMANCE_CLIENT_ID, conformanceEnv } from './support/conformance-stack';
import { ContractChecker } from './support/contract-checker';
import { checkingFetch, TopicObserver } from './support/observers';
import { requestExamples } from './support/spec-examples';

/**
 * The seed's testing scenarios and the other public flows, driven through the gateway with the SDK,
 * while every HTTP response, every Kafka message on every topic and every webhook body is checked
 * against docs/openapi.json, docs/schemas and docs/asyncapi.yaml. The last test fails on any violation
 * and prints the counts.
 */
const HAPPY_ORDERS = 60;
const MIN_RESPONSES = 200;
const MIN_MESSAGES = 100;

const checker = new ContractChecker();
const receiver = new WebhookRecorder();
let observer: TopicObserver;
let client: OrderSagaClient;
let webhookSecret: string;
let webhookId: string;
const run = randomUUID().slice(0, 6).toUpperCase();
const product = { stocked: `SKU-CONF-${run}-A`, other: `SKU-CONF-${run}-B`, empty: `SKU-CONF-${run}-EMPTY` };
const customer = { good: `CUST-CONF-${run}`, declining: `CUST-CONF-${run}-DECLINE` };
const shipping_address = { street: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' };
const confirmedOrders: string[] = [];

async function apiError(promise: Promise<unknown>): Promise<OrderSagaApiError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome) || !(outcome.error instanceof OrderSagaApiError)) throw new Error(`expected an API error, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

beforeAll(async () => {
  const gatewayUrl = conformanceEnv('CONFORMANCE_GATEWAY_URL');
  observer = new TopicObserver(checker, conformanceEnv('CONFORMANCE_KAFKA_BROKERS'));
  await observer.start();
  client = new OrderSagaClient({
    baseUrl: gatewayUrl,
    clientId: CONFORMANCE_CLIENT_ID,
    clientSecret: conformanceEnv('CONFORMANCE_CLIENT_SECRET'),
    fetch: checkingFetch(checker, gatewayUrl),
  });
  const receiverUrl = await receiver.start();
  const endpoint = await client.registerWebhook({
    url: `${receiverUrl}/hooks`,
    event_types: ['order.created', 'order.updated', 'order.cancelled'],
    description: 'conformance',
  });
  [webhookSecret, webhookId] = [endpoint.secret, endpoint.endpoint_id];
  await client.upsertProduct(product.stocked, { name: 'Conformance beans', unit_price: 12.5, available: 1000 });
  await client.upsertProduct(product.other, { name: 'Conformance mug', unit_price: 7.25, available: 1000 });
  await client.upsertProduct(product.empty, { name: 'Conformance grinder', unit_price: 249, available: 0 });
  await client.createCustomer({ customer_id: customer.good, name: 'Ada Lovelace', email: 'ada@example.com' });
  await client.createCustomer({ customer_id: customer.declining, name: 'Declined Card' });
}, 120_000);

afterAll(async () => {
  await observer?.stop();
  await receiver.stop();
});

const order = (overrides: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest => ({
  customer_id: customer.good,
  items: [{ product_id: product.stocked, quantity: 2, unit_price: 12.5 }],
  shipping_address,
  ...overrides,
});

describe('the seed testing scenarios', () => {
  it(`happy_path: successful order creation (${HAPPY_ORDERS} orders, each read back and tracked)`, async () => {
    for (let i = 0; i < HAPPY_ORDERS; i += 1) {
      const items =
        i % 2 === 0
          ? [{ product_id: product.stocked, quantity: 1 + (i % 3) }]
          : [
              { product_id: product.stocked, quantity: 1 },
              { product_id: product.other, quantity: 2 },
            ];
      const placed = await client.placeOrder(order({ items }));
      expect({ status: placed.status, order: placed.order.status }).toEqual({ status: 201, order: 'confirmed' });
      expect(placed.order).toEqual(expect.objectContaining({ order_id: expect.any(String), total_amount: expect.any(Number) }));
      confirmedOrders.push(placed.order.order_id);
      expect((await client.getOrder(placed.order.order_id)).status).toBe('confirmed');
      expect((await client.trackOrder(placed.order.order_id)).timeline.length).toBeGreaterThan(0);
    }
  });

  it('validation_errors: missing required field → 400 VALIDATION_ERROR naming customer_id', async () => {
    const error = await apiError(client.send('POST', '/api/v1/orders', { body: { items: [{ product_id: product.stocked, quantity: 1 }], shipping_address } }));

    expect({ status: error.status, code: error.errorCode }).toEqual({ status: 400, code: 'VALIDATION_ERROR' });
    expect(error.details.map((detail) => detail.field)).toContain('customer_id');
  });

  it('validation_errors: invalid quantity (0) → 400 VALIDATION_ERROR on items[0].quantity', async () => {
    const error = await apiError(client.placeOrder(order({ items: [{ product_id: product.stocked, quantity: 0 }] })));

    expect({ status: error.status, code: error.errorCode }).toEqual({ status: 400, code: 'VALIDATION_ERROR' });
    expect(error.details.map((detail) => detail.field)).toContain('items[0].quantity');
  });

  it('edge_cases: insufficient inventory → 409 INSUFFICIENT_INVENTORY and nothing reserved', async () => {
    const error = await apiError(client.placeOrder(order({ items: [{ product_id: product.empty, quantity: 1 }] })));

    expect({ status: error.status, code: error.errorCode }).toEqual({ status: 409, code: 'INSUFFICIENT_INVENTORY' });
    expect(await client.getProduct(product.empty)).toEqual(expect.objectContaining({ available: 0, reserved: 0 }));
  });

  it('edge_cases: payment failure → 402 PAYMENT_FAILED and the inventory reservation released', async () => {
    const before = await client.getProduct(product.other);

    const error = await apiError(client.placeOrder(order({ customer_id: customer.declining, items: [{ product_id: product.other, quantity: 3 }] })));

    expect({ status: error.status, code: error.errorCode }).toEqual({ status: 402, code: 'PAYMENT_FAILED' });
    expect(await client.getProduct(product.other)).toEqual(expect.objectContaining({ available: before.available, reserved: before.reserved }));
  });

  it('idempotency: the same X-Idempotency-Key twice → 201, then 200 with the same order', async () => {
    const key = `conf-${randomUUID()}`;
    const first = await client.placeOrder(order(), { idempotencyKey: key });
    const second = await client.placeOrder(order(), { idempotencyKey: key });

    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.order.order_id).toBe(first.order.order_id);
  });
});

describe('the other public flows', () => {
  it('pages through the orders list and finds orders by search', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listOrders({ limit: 10, status: 'confirmed', cursor });
      seen.push(...page.data.map((o) => o.order_id));
      cursor = page.pagination.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining(confirmedOrders));

    const found = await client.searchOrders({ q: customer.good, limit: 5 });
    expect(found.data.length).toBeGreaterThan(0);
  });

  it('reads, lists and deactivates customers, and lists, reads and adjusts products', async () => {
    const extra = await client.createCustomer({ name: 'Generated id' });
    expect((await client.getCustomer(extra.customer_id)).status).toBe('active');
    expect((await client.listCustomers({ limit: 2 })).data.length).toBeGreaterThan(0);
    expect((await client.deactivateCustomer(extra.customer_id)).status).not.toBe('active');

    expect((await client.listProducts({ limit: 2 })).data.length).toBeGreaterThan(0);
    const adjusted = await client.adjustStock(product.stocked, { delta: 5, reason: 'goods received' });
    expect(adjusted.product_id).toBe(product.stocked);
  });

  it('manages webhook endpoints and reads the delivery log', async () => {
    expect((await client.listWebhooks()).data.map((e) => e.endpoint_id)).toContain(webhookId);
    expect((await client.getWebhook(webhookId)).enabled).toBe(true);
    expect((await client.updateWebhook(webhookId, { description: 'conformance (updated)' })).description).toBe('conformance (updated)');
    const deliveries = await pollUntil(async () => {
      const list = await client.listWebhookDeliveries(webhookId);
      return list.data.length > 0 ? list.data : undefined;
    });
    expect((await client.getWebhookDelivery(webhookId, deliveries[0].delivery_id)).delivery_id).toBe(deliveries[0].delivery_id);
    const spare = await client.registerWebhook({ url: 'http://127.0.0.1:9/spare', event_types: ['order.cancelled'] });
    const rotated = await client.rotateWebhookSecret(spare.endpoint_id, { grace_period_seconds: 60 });
    expect(rotated.secret).not.toBe(spare.secret);
    await client.deleteWebhook(spare.endpoint_id);
  });

  it('answers errors in the spec format: 404 for an unknown order, 401 for a bad token', async () => {
    expect((await apiError(client.getOrder('ORD-DOES-NOT-EXIST'))).errorCode).toBe('NOT_FOUND');
    const response = await checkingFetch(checker, conformanceEnv('CONFORMANCE_GATEWAY_URL'))(`${conformanceEnv('CONFORMANCE_GATEWAY_URL')}/api/v1/orders`, {
      headers: { authorization: 'Bearer not-a-token' },
    });
    expect(response.status).toBe(401);
  });

  it('accepts every request example of docs/integration-spec.md as it stands', async () => {
    const examples = requestExamples();
    expect(examples.length).toBeGreaterThanOrEqual(3);
    // The examples name the demo catalog and customer, which `npm start` seeds; the suite seeds them for its client.
    await client.upsertProduct('SKU-001', { name: 'Espresso beans 1 kg', unit_price: 29.99, available: 1000 });
    await client.upsertProduct('SKU-002', { name: 'Ceramic mug', unit_price: 12.5, available: 1000 });
    await client.createCustomer({ customer_id: 'CUST-12345', name: 'Ada Lovelace', email: 'ada@example.com' }).catch((error: unknown) => {
      if (!(error instanceof OrderSagaApiError && error.status === 409)) throw error;
    });
    for (const example of examples) {
      const response = await client.send(example.method, example.path, { body: example.body }).catch((error: unknown) => error);
      expect({ line: example.line, accepted: !(response instanceof Error) ? true : String(response) }).toEqual({ line: example.line, accepted: true });
    }
  });
});

describe('conformance to the published contracts', () => {
  it(`every response, message and webhook body matches its schema (≥ ${MIN_RESPONSES} responses, ≥ ${MIN_MESSAGES} messages)`, async () => {
    // Each confirmed order yields at least ReserveStock, StockReserved, ProcessPayment, PaymentSucceeded and OrderCreated.
    await pollUntil(async () => (checker.messages.checked >= confirmedOrders.length * 5 ? true : undefined), {
      timeoutMs: 60_000,
      description: 'the saga messages of every confirmed order',
    });
    await pollUntil(
      async () => {
        const created = receiver.requests.filter((request) => JSON.parse(request.rawBody.toString('utf8')).event_type === 'order.created');
        return created.length >= confirmedOrders.length ? true : undefined;
      },
      { timeoutMs: 60_000, description: 'an order.created webhook per confirmed order' },
    );
    for (const request of receiver.requests) {
      checker.checkWebhook(request.rawBody);
      const verified = verifyWebhook({ body: request.rawBody, headers: request.headers, secrets: webhookSecret, now: () => request.receivedAt });
      if (!verified.valid) checker.webhooks.violations.push(`webhook signature: ${verified.reason}`);
    }

    process.stdout.write(`\n[conformance]\n${checker.report()}\n\n`);

    expect(checker.responses.checked).toBeGreaterThanOrEqual(MIN_RESPONSES);
    expect(checker.messages.checked).toBeGreaterThanOrEqual(MIN_MESSAGES);
    expect(checker.webhooks.checked).toBeGreaterThanOrEqual(confirmedOrders.length);
    expect([...checker.responses.violations, ...checker.messages.violations, ...checker.webhooks.violations]).toEqual([]);
  });
});
