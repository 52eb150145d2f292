import { WebhookRecorder, pollUntil } from '@order-saga/shared/testing';
import { pythonVerifyWebhook, verifyWebhook } from '@order-saga/webhooks';
import { apiCall, createCustomer, createProduct, Role, sdkAs, shippingAddress } from './support/api';
import { E2E_CLIENTS } from './support/e2e-stack';

interface Endpoint {
  endpoint_id: string;
  url: string;
  event_types: string[];
  enabled: boolean;
  secret?: string;
  previous_secret_expires_at: string | null;
}

interface Delivery {
  delivery_id: string;
  event_id: string;
  event_type: string;
  order_id: string;
  status: string;
  attempt_count: number;
  attempts: { attempt_number: number; status_code: number | null; duration_ms: number; response_excerpt: string | null }[];
}

describe('/api/v1/webhooks — endpoints, signed order events, delivery log and retries through the gateway', () => {
  const receiver = new WebhookRecorder();
  let receiverUrl: string;

  beforeAll(async () => {
    receiverUrl = await receiver.start();
  });

  afterAll(async () => {
    await receiver.stop();
  });

  const api = <T = Record<string, unknown>>(method: string, path: string, role: Role, body?: unknown) => apiCall<T>(role, method, `/webhooks${path}`, { body });

  it("a confirmed order's order.created webhook arrives, the spec's Python verify_webhook accepts the raw body, and our helper rejects tampering and stale timestamps", async () => {
    const created = await api<Endpoint>('POST', '', 'writer', { url: `${receiverUrl}/orders`, event_types: ['order.created'], description: 'e2e' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const secret = created.body.secret!;
    const productId = await createProduct(5, 12.5);
    const customerId = await createCustomer(E2E_CLIENTS.writer.id);

    const { order } = await sdkAs('writer').placeOrder({
      customer_id: customerId,
      items: [{ product_id: productId, quantity: 2 }],
      shipping_address: shippingAddress,
    });
    expect(order.status).toBe('confirmed');

    const webhook = await pollUntil(
      async () =>
        receiver.requests.find((request) => request.path === '/orders' && JSON.parse(request.rawBody.toString('utf8')).data?.order_id === order.order_id),
      { description: `order.created webhook for ${order.order_id}` },
    );
    const event = JSON.parse(webhook.rawBody.toString('utf8'));
    expect(event).toMatchObject({
      event_type: 'order.created',
      data: { object_type: 'order', object_id: order.order_id, customer_id: customerId, total_amount: 25 },
    });
    expect(webhook.headers['x-webhook-id']).toBe(event.event_id);

    expect(pythonVerifyWebhook(webhook.rawBody, webhook.headers['x-webhook-signature'] as string, secret)).toBe(true);
    const sentAt = Number(webhook.headers['x-webhook-timestamp']) * 1000;
    expect(verifyWebhook({ body: webhook.rawBody, headers: webhook.headers, secrets: secret })).toMatchObject({
      valid: true,
      scheme: 'standard-webhooks',
      webhookId: event.event_id,
    });

    const tampered = Buffer.from(webhook.rawBody.toString('utf8').replace('"total_amount":25', '"total_amount":2.5'), 'utf8');
    expect(tampered.equals(webhook.rawBody)).toBe(false);
    expect(verifyWebhook({ body: tampered, headers: webhook.headers, secrets: secret })).toEqual({ valid: false, reason: 'signature_mismatch' });
    expect(pythonVerifyWebhook(tampered, webhook.headers['x-webhook-signature'] as string, secret)).toBe(false);
    expect(verifyWebhook({ body: webhook.rawBody, headers: webhook.headers, secrets: secret, now: () => new Date(sentAt + 301_000) })).toEqual({
      valid: false,
      reason: 'timestamp_outside_tolerance',
    });

    const log = await api<{ data: Delivery[] }>('GET', `/${created.body.endpoint_id}/deliveries`, 'writer');
    const delivery = log.body.data.find((entry) => entry.order_id === order.order_id)!;
    expect(delivery).toMatchObject({ event_id: event.event_id, status: 'succeeded', attempt_count: 1, attempts: [{ attempt_number: 1, status_code: 204 }] });

    const retried = await api('POST', `/${created.body.endpoint_id}/deliveries/${delivery.delivery_id}/retry`, 'writer');
    expect(retried.status).toBe(202);
    await pollUntil(async () => (receiver.requests.filter((request) => request.headers['x-webhook-id'] === event.event_id).length === 2 ? true : undefined), {
      description: 'the manual retry',
    });
    const after = await pollUntil(
      async () => {
        const response = await api<Delivery>('GET', `/${created.body.endpoint_id}/deliveries/${delivery.delivery_id}`, 'writer');
        return response.body.attempt_count === 2 ? response.body : undefined;
      },
      { description: 'the retry to be recorded' },
    );
    expect(after).toMatchObject({
      status: 'succeeded',
      attempts: [
        { attempt_number: 1, status_code: 204 },
        { attempt_number: 2, status_code: 204 },
      ],
    });
  });

  it('manages endpoints per client: list, get, patch, rotate with a grace period, delete; another client sees 404; read scope cannot write', async () => {
    const created = await api<Endpoint>('POST', '', 'writer', { url: `${receiverUrl}/managed`, event_types: ['order.created'] });
    const id = created.body.endpoint_id;

    expect((await api<{ data: Endpoint[] }>('GET', '', 'writer')).body.data.map((endpoint) => endpoint.endpoint_id)).toContain(id);
    expect((await api<{ data: Endpoint[] }>('GET', '', 'other')).body.data.map((endpoint) => endpoint.endpoint_id)).not.toContain(id);
    const fetched = await api<Endpoint>('GET', `/${id}`, 'writer');
    expect(fetched.body).toMatchObject({ endpoint_id: id, url: `${receiverUrl}/managed`, enabled: true });
    expect(fetched.body).not.toHaveProperty('secret');

    for (const [method, path] of [
      ['GET', `/${id}`],
      ['PATCH', `/${id}`],
      ['DELETE', `/${id}`],
      ['POST', `/${id}/rotate-secret`],
      ['GET', `/${id}/deliveries`],
    ] as const) {
      const response = await api(method, path, 'other', method === 'PATCH' ? { enabled: false } : undefined);
      expect({ method, path, status: response.status, error_code: response.body.error_code }).toEqual({ method, path, status: 404, error_code: 'NOT_FOUND' });
    }
    // e2e-reader is a client of its own with the read scope only.
    expect((await api('POST', '', 'reader', { url: `${receiverUrl}/x`, event_types: ['order.created'] })).status).toBe(403);

    const patched = await api<Endpoint>('PATCH', `/${id}`, 'writer', { event_types: ['order.updated', 'order.cancelled'], enabled: false });
    expect(patched.body).toMatchObject({ event_types: ['order.updated', 'order.cancelled'], enabled: false });

    const rotated = await api<Endpoint>('POST', `/${id}/rotate-secret`, 'writer', { grace_period_seconds: 600 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect(Date.parse(rotated.body.previous_secret_expires_at!) - Date.now()).toBeGreaterThan(500_000);

    expect((await api('DELETE', `/${id}`, 'writer')).status).toBe(204);
    expect((await api('GET', `/${id}`, 'writer')).status).toBe(404);
  });

  it('answers bad input in the spec error format', async () => {
    const bad = await api<{ error_code: string; details: { field: string }[]; request_id: string; timestamp: string }>('POST', '', 'writer', {
      url: 'ftp://example.com',
      event_types: ['order.shipped'],
    });

    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error_code: 'VALIDATION_ERROR', request_id: expect.any(String), timestamp: expect.any(String) });
    expect(bad.body.details.map((detail) => detail.field).sort()).toEqual(['event_types', 'url']);
    const since = await api<{ error_code: string }>('POST', `/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/redeliver-failed`, 'writer', {
      since: 'yesterday',
    });
    expect(since.body.error_code).toBe('VALIDATION_ERROR');
  });
});
