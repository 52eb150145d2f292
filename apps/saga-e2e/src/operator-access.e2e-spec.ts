import { randomUUID } from 'node:crypto';
import type { OperatorAuditPageResponseDto } from '@order-saga/contracts/http/operator';
import { apiCall, createCustomer, createProduct, shippingAddress, system } from './support/api';
import { E2E_CLIENTS, E2E_OPERATOR } from './support/e2e-stack';

/**
 * An operator through the real gateway and the real order-service: the sign-in of the operator startSystem
 * created, the sagas read with the operator's session, an action that order-service refuses for the saga's
 * state (so it read the operator the gateway named: without one it would have answered 401), its audit
 * entry as the audit log's listing shows it, and an API client's token refused. Raw HTTP: the SDK is the API
 * clients' and has no operator routes.
 */
describe('operator access through the gateway, with order-service behind it', () => {
  let orderId: string;
  let cookie: string;
  let csrf: string;

  const operatorCall = async <T = Record<string, unknown>>(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => {
    const response = await fetch(`${system().gatewayUrl}/api/v1/operator${path}`, {
      method,
      headers: { cookie, 'x-request-id': randomUUID(), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as T };
  };

  beforeAll(async () => {
    const customerId = await createCustomer(E2E_CLIENTS.writer.id);
    const productId = await createProduct(10);
    const placed = await apiCall<{ order_id: string; status: string }>('writer', 'POST', '/orders', {
      body: { customer_id: customerId, items: [{ product_id: productId, quantity: 1 }], shipping_address: shippingAddress },
    });
    expect(placed.body.status).toBe('confirmed');
    orderId = placed.body.order_id;

    const { username, password } = system().operator();
    expect(username).toBe(E2E_OPERATOR.username);
    const response = await fetch(`${system().gatewayUrl}/api/v1/operator/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(response.status).toBe(201);
    cookie = (response.headers.getSetCookie()[0] ?? '').split(';')[0];
    csrf = ((await response.json()) as { csrf_token: string }).csrf_token;
  });

  it("reads every client's sagas and one saga's timeline with the operator's session", async () => {
    const list = await operatorCall<{ data: { order_id: string }[] }>('GET', `/sagas?client_id=${E2E_CLIENTS.writer.id}&state=CONFIRMED&limit=100`);
    const one = await operatorCall<{ order_id: string; state: string; timeline: { kind: string; name: string }[] }>('GET', `/sagas/${orderId}`);

    expect(list.status).toBe(200);
    expect(list.body.data.map((saga) => saga.order_id)).toContain(orderId);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ order_id: orderId, state: 'CONFIRMED' });
    expect(one.body.timeline.map(({ kind, name }) => `${kind}:${name}`)).toContain('outcome:OrderConfirmed');
  });

  it("relays order-service's refusal to cancel an ended saga, and records it under the operator in the audit log", async () => {
    const cancel = await operatorCall<{ error_code: string }>(
      'POST',
      `/sagas/${orderId}/cancel`,
      { 'x-csrf-token': csrf, 'x-operator-id': 'mallory' },
      { action_id: randomUUID(), reason: 'e2e: the saga already ended' },
    );

    expect(cancel.status).toBe(409);
    expect(cancel.body.error_code).toBe('SAGA_ALREADY_ENDED');
    // As the console reads it: the audit log's listing, filtered by the saga.
    const audit = await operatorCall<OperatorAuditPageResponseDto>('GET', `/audit-log?target=${orderId}`);
    const entries = audit.body.data.filter((entry) => entry.request_id === cancel.headers.get('x-request-id'));
    expect(entries).toEqual([
      expect.objectContaining({ operator: E2E_OPERATOR.username, action: 'saga.cancel', target: orderId, status: 409, error_code: 'SAGA_ALREADY_ENDED' }),
    ]);
  });

  it("refuses an API client's token on the operator routes", async () => {
    const response = await fetch(`${system().gatewayUrl}/api/v1/operator/sagas`, { headers: { authorization: `Bearer ${await system().token('writer')}` } });

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error_code: 'FORBIDDEN' });
  });
});
