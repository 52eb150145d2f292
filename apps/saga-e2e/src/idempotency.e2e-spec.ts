import { randomUUID } from 'node:crypto';
import { apiCall, createCustomer, createProduct, queryDatabase, Role, shippingAddress, system } from './support/api';
import { E2E_CLIENTS } from './support/e2e-stack';
import { send } from './support/edge';

interface Answer {
  order_id?: string;
  status?: string;
  error_code?: string;
  existing_order_id?: string;
  details?: { field: string; error: string }[];
}

/**
 * Idempotency keys on POST /api/v1/orders (Stripe's model): kept per client for 24 h in order-service's
 * Postgres, reserved by the unique index (client_id, idempotency_key) in the transaction that creates
 * the order, and compared with a fingerprint of the request body.
 */
describe('POST /api/v1/orders — idempotency keys', () => {
  let customerId: string;
  let otherCustomerId: string;
  let productId: string;

  beforeAll(async () => {
    customerId = await createCustomer(E2E_CLIENTS.writer.id);
    productId = await createProduct(500, 7.25);
    otherCustomerId = await createCustomer(E2E_CLIENTS.other.id, customerId);
  });

  const order = (quantity = 1) => ({ customer_id: customerId, items: [{ product_id: productId, quantity }], shipping_address: shippingAddress });
  const place = (body: unknown, idempotencyKey: string, role: Role = 'writer') => apiCall<Answer>(role, 'POST', '/orders', { body, idempotencyKey });
  /** The body and idempotency headers exactly as given, which the SDK (one key, in X-Idempotency-Key, of JSON it wrote) would not send. */
  const placeRaw = async (body: string, headers: Record<string, string>) => {
    const response = await send(`${system().gatewayUrl}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await system().token('writer')}`, 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: response.status, body: response.json as Answer };
  };
  const ordersWithKey = async (key: string) =>
    queryDatabase<{ order_id: string; client_id: string }>(
      'E2E_ORDER_DB',
      'SELECT order_id, client_id FROM customer_order WHERE idempotency_key = $1 ORDER BY created_at',
      [key],
    );
  const chargesFor = async (orderId: string) => (await queryDatabase('E2E_PAYMENT_DB', 'SELECT 1 FROM payment WHERE order_id = $1', [orderId])).length;

  it('same key + same body: 201, then 200 with the original order; one order, charged once', async () => {
    const key = `key-${randomUUID()}`;

    const first = await place(order(), key);
    const second = await place(order(), key);

    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(await ordersWithKey(key)).toHaveLength(1);
    expect(await chargesFor(first.body.order_id!)).toBe(1);
  });

  it('recognises the same body with its fields in another order and other spacing', async () => {
    const key = `key-${randomUUID()}`;
    const first = await place(order(2), key);

    const reordered = `{ "shipping_address": ${JSON.stringify(shippingAddress)},\n  "items": [{"quantity": 2, "product_id": "${productId}"}], "customer_id": "${customerId}" }`;
    const second = await placeRaw(reordered, { 'x-idempotency-key': key });

    expect(second.status).toBe(200);
    expect(second.body.order_id).toBe(first.body.order_id);
  });

  it('accepts the standard Idempotency-Key header as well, as the same key', async () => {
    const key = `key-${randomUUID()}`;

    const first = await placeRaw(JSON.stringify(order()), { 'idempotency-key': key });
    const second = await place(order(), key);

    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.order_id).toBe(first.body.order_id);
  });

  it('same key + different body: 409 DUPLICATE_ORDER with existing_order_id, nothing new created', async () => {
    const key = `key-${randomUUID()}`;
    const first = await place(order(1), key);

    const second = await place(order(3), key);

    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ error_code: 'DUPLICATE_ORDER', existing_order_id: first.body.order_id });
    expect(second.body.details).toEqual([{ field: 'X-Idempotency-Key', error: expect.stringContaining(first.body.order_id!) }]);
    expect(await ordersWithKey(key)).toHaveLength(1);
  });

  it('same key while the first order is still in flight: 409 CONFLICT naming it', async () => {
    const key = `key-${randomUUID()}`;
    const first = await place(order(), key);
    // The saga outruns any client here, so "still in flight" is set up by putting the order back to pending.
    await queryDatabase('E2E_ORDER_DB', `UPDATE customer_order SET status = 'pending' WHERE order_id = $1`, [first.body.order_id]);

    const second = await place(order(), key);

    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ error_code: 'CONFLICT', existing_order_id: first.body.order_id });
    expect(await ordersWithKey(key)).toHaveLength(1);
  });

  it('10 concurrent identical requests with one key create exactly one order and charge once', async () => {
    const key = `race-${randomUUID()}`;

    const answers = await Promise.all(Array.from({ length: 10 }, () => place(order(), key)));

    const rows = await ordersWithKey(key);
    expect(rows).toHaveLength(1);
    const orderId = rows[0].order_id;
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 201 || status === 202)).toHaveLength(1);
    for (const answer of answers) {
      // The others either saw it in flight (409 CONFLICT) or finished (200 replay); all name the one order.
      expect([200, 201, 202, 409]).toContain(answer.status);
      if (answer.status === 409) expect(answer.body).toMatchObject({ error_code: 'CONFLICT', existing_order_id: orderId });
      else expect(answer.body.order_id).toBe(orderId);
    }
    expect(await chargesFor(orderId)).toBe(1);
  });

  it('keys are scoped per client: another client may use the same key for its own order', async () => {
    const key = `shared-${randomUUID()}`;

    const mine = await place(order(), key);
    const theirs = await place({ ...order(), customer_id: otherCustomerId }, key, 'other');

    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.body.order_id).not.toBe(mine.body.order_id);
    expect((await ordersWithKey(key)).map((row) => row.client_id).sort()).toEqual([E2E_CLIENTS.other.id, E2E_CLIENTS.writer.id].sort());
  });

  it('a key older than 24 hours no longer matches: the same key then places a new order', async () => {
    const key = `old-${randomUUID()}`;
    const first = await place(order(), key);
    await queryDatabase('E2E_ORDER_DB', `UPDATE customer_order SET created_at = created_at - interval '24 hours 1 second' WHERE order_id = $1`, [
      first.body.order_id,
    ]);

    const second = await place(order(5), key);

    expect(second.status).toBe(201);
    expect(second.body.order_id).not.toBe(first.body.order_id);
    const rows = await ordersWithKey(key);
    expect(rows.map((row) => row.order_id)).toEqual([second.body.order_id]);
    const replay = await place(order(5), key);
    expect(replay.status).toBe(200);
    expect(replay.body.order_id).toBe(second.body.order_id);
  });

  it.each([
    ['an empty key', { 'x-idempotency-key': '' }, 'X-Idempotency-Key'],
    ['a key over 255 characters', { 'x-idempotency-key': 'k'.repeat(256) }, 'X-Idempotency-Key'],
    ['a key with a control character', { 'idempotency-key': 'abc\tdef' }, 'Idempotency-Key'],
    ['two different keys in the two headers', { 'x-idempotency-key': 'one', 'idempotency-key': 'two' }, 'Idempotency-Key'],
  ])('refuses %s with 400 VALIDATION_ERROR naming the header', async (_case, headers, field) => {
    const response = await placeRaw(JSON.stringify(order()), headers);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error_code: 'VALIDATION_ERROR', details: [{ field, error: expect.any(String) }] });
  });
});
