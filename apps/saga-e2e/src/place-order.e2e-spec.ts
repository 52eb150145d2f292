import { WebhookEvent } from '@order-saga/contracts';
import { callService } from '@order-saga/infra';
import { RequestOptions } from '@order-saga/sdk';
import { pollUntil, WebhookRecorder } from '@order-saga/shared/testing';
import { verifyWebhook } from '@order-saga/webhooks';
import { apiCall, createCustomer, createProduct, queryDatabase, sdkAs, shippingAddress, stockOf, system, urls } from './support/api';
import { E2E_CLIENTS } from './support/e2e-stack';
import { send } from './support/edge';

/**
 * The integration spec's testing scenarios, through the gateway, on the real broker and databases,
 * with all five services running as separate processes.
 */
describe('POST /api/v1/orders — the seed testing scenarios', () => {
  const receiver = new WebhookRecorder();
  let webhookSecret: string;
  let customerId: string;

  beforeAll(async () => {
    const receiverUrl = await receiver.start();
    const endpoint = await callService<{ secret: string }>(
      'POST',
      `${urls.notifications()}/webhook-endpoints`,
      { url: `${receiverUrl}/hooks`, event_types: ['order.created', 'order.updated', 'order.cancelled'] },
      { 'x-client-id': E2E_CLIENTS.writer.id },
    );
    webhookSecret = endpoint.secret;
    customerId = await createCustomer(E2E_CLIENTS.writer.id);
  });

  afterAll(async () => {
    await receiver.stop();
  });

  const placeOrder = (body: unknown, options: RequestOptions = {}) => apiCall('writer', 'POST', '/orders', { ...options, body });

  it('happy path: 201 with the spec fields, order confirmed, stock reserved, payment recorded, webhook received', async () => {
    const productId = await createProduct(10, 29.99);

    const response = await placeOrder({ customer_id: customerId, items: [{ product_id: productId, quantity: 2 }], shipping_address: shippingAddress });

    expect(response.status).toBe(201);
    const orderId = response.body.order_id as string;
    expect(orderId).toMatch(/^ORD-[0-9A-Z]{8}$/);
    expect(response.body).toMatchObject({ status: 'confirmed', total_amount: 59.98, currency: 'USD' });
    expect(Date.parse(response.body.created_at as string)).not.toBeNaN();
    expect(Date.parse(response.body.estimated_delivery as string)).toBeGreaterThan(Date.parse(response.body.created_at as string));
    expect(response.body.tracking_url).toBe(`${system().gatewayUrl.replace('127.0.0.1', 'localhost')}/api/v1/orders/${orderId}/track`);

    const [order] = await queryDatabase<{ status: string; total_cents: number }>(
      'E2E_ORDER_DB',
      'SELECT status, total_cents FROM customer_order WHERE order_id = $1',
      [orderId],
    );
    expect(order).toEqual({ status: 'confirmed', total_cents: 5998 });

    const reservations = await queryDatabase<{ status: string; quantity: number }>(
      'E2E_INVENTORY_DB',
      'SELECT r.status, l.quantity FROM reservation r JOIN reservation_line l USING (reservation_id) WHERE r.order_id = $1',
      [orderId],
    );
    expect(reservations).toEqual([{ status: 'reserved', quantity: 2 }]);
    await expect(stockOf(productId)).resolves.toEqual({ available: 8, reserved: 2 });

    const payment = await callService('GET', `${urls.payments()}/payments/by-order/${orderId}`, undefined);
    expect(payment).toMatchObject({ status: 'succeeded', amount: 59.98, customer_id: customerId });

    const delivery = await pollUntil(
      async () =>
        receiver.requests.find((request) => {
          const event = JSON.parse(request.rawBody.toString()) as WebhookEvent;
          return event.event_type === 'order.created' && event.data.object_id === orderId;
        }),
      { description: `order.created webhook for ${orderId}` },
    );
    expect(verifyWebhook({ body: delivery.rawBody, headers: delivery.headers, secrets: webhookSecret, now: () => delivery.receivedAt })).toMatchObject({
      valid: true,
    });
    expect(delivery.headers['x-webhook-timestamp']).toMatch(/^\d+$/);
    const event = JSON.parse(delivery.rawBody.toString()) as WebhookEvent;
    expect(event.data).toMatchObject({ object_type: 'order', order_id: orderId, customer_id: customerId, total_amount: 59.98 });
  });

  it('missing required field: 400 VALIDATION_ERROR naming customer_id, nothing created', async () => {
    const productId = await createProduct(5);

    const response = await placeOrder({ items: [{ product_id: productId, quantity: 1 }] }, { requestId: 'req-missing-customer' });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error_code: 'VALIDATION_ERROR', message: 'Request validation failed', request_id: 'req-missing-customer' });
    expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'customer_id' })]));
    expect(Date.parse(response.body.timestamp as string)).not.toBeNaN();
    await expect(stockOf(productId)).resolves.toEqual({ available: 5, reserved: 0 });
  });

  it('invalid quantity: quantity 0 is 400 VALIDATION_ERROR at items[0].quantity', async () => {
    const productId = await createProduct(5);

    const response = await placeOrder({ customer_id: customerId, items: [{ product_id: productId, quantity: 0 }] });

    expect(response.status).toBe(400);
    expect(response.body.error_code).toBe('VALIDATION_ERROR');
    expect(response.body.details).toEqual([{ field: 'items[0].quantity', error: 'Must be between 1 and 999' }]);
  });

  it('insufficient inventory: 409 INSUFFICIENT_INVENTORY, no reservation rows, no stock moved on any line', async () => {
    const plenty = await createProduct(50);
    const soldOut = await createProduct(0);

    const response = await placeOrder({
      customer_id: customerId,
      items: [
        { product_id: plenty, quantity: 3 },
        { product_id: soldOut, quantity: 1 },
      ],
    });

    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      error_code: 'INSUFFICIENT_INVENTORY',
      details: [{ field: 'items[1].quantity', error: `Only 0 of ${soldOut} available` }],
    });
    const orderId = response.body.order_id as string;
    const reservations = await queryDatabase('E2E_INVENTORY_DB', 'SELECT * FROM reservation WHERE order_id = $1', [orderId]);
    expect(reservations).toHaveLength(0);
    await expect(stockOf(plenty)).resolves.toEqual({ available: 50, reserved: 0 });
    await expect(stockOf(soldOut)).resolves.toEqual({ available: 0, reserved: 0 });
    const [order] = await queryDatabase<{ status: string }>('E2E_ORDER_DB', 'SELECT status FROM customer_order WHERE order_id = $1', [orderId]);
    expect(order.status).toBe('cancelled');
  });

  it('payment failure: 402 PAYMENT_FAILED, reservation released, stock back to where it was', async () => {
    const productId = await createProduct(7, 15);
    const decliningCustomer = await createCustomer(E2E_CLIENTS.writer.id, `CUST-${Date.now()}-DECLINE`);

    const response = await placeOrder({ customer_id: decliningCustomer, items: [{ product_id: productId, quantity: 4 }] });

    expect(response.status).toBe(402);
    expect(response.body).toMatchObject({ error_code: 'PAYMENT_FAILED', decline_code: 'card_declined' });
    const orderId = response.body.order_id as string;
    const reservations = await queryDatabase<{ status: string }>('E2E_INVENTORY_DB', 'SELECT status FROM reservation WHERE order_id = $1', [orderId]);
    expect(reservations).toEqual([{ status: 'released' }]);
    await expect(stockOf(productId)).resolves.toEqual({ available: 7, reserved: 0 });
    const payments = await queryDatabase<{ status: string }>('E2E_PAYMENT_DB', 'SELECT status FROM payment WHERE order_id = $1', [orderId]);
    expect(payments).toEqual([{ status: 'declined' }]);

    const track = await sdkAs('writer').trackOrder(orderId);
    expect(track.saga_state).toBe('COMPENSATED');
    expect(track.timeline.map((step) => step.name)).toEqual([
      'ReserveStock',
      'StockReserved',
      'ProcessPayment',
      'PaymentDeclined',
      'ReleaseStock',
      'StockReleased',
      'OrderCancelled',
    ]);
  });

  it('idempotency: the same X-Idempotency-Key gives 201 then 200 with the same order, charged once', async () => {
    const productId = await createProduct(10, 5);
    const body = { customer_id: customerId, items: [{ product_id: productId, quantity: 1 }] };
    const key = `idem-${Date.now()}`;

    const first = await placeOrder(body, { idempotencyKey: key });
    const second = await placeOrder(body, { idempotencyKey: key });

    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.order_id).toBe(first.body.order_id);
    await expect(stockOf(productId)).resolves.toEqual({ available: 9, reserved: 1 });
  });

  it('rejects a request without a token with 401 UNAUTHORIZED and one with only the read scope with 403 FORBIDDEN', async () => {
    // Without a token: the SDK always sends one, so this request goes raw.
    const anonymous = await send(`${system().gatewayUrl}/api/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer_id: customerId, items: [] }),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error_code).toBe('UNAUTHORIZED');

    const readOnly = await apiCall('reader', 'POST', '/orders', { body: { customer_id: customerId, items: [] } });
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.error_code).toBe('FORBIDDEN');
  });

  it("hides another client's order: 404 NOT_FOUND", async () => {
    const productId = await createProduct(3);
    const placed = await placeOrder({ customer_id: customerId, items: [{ product_id: productId, quantity: 1 }] });

    const response = await apiCall('other', 'GET', `/orders/${placed.body.order_id}`);

    expect(response.status).toBe(404);
    expect(response.body.error_code).toBe('NOT_FOUND');
  });
});
