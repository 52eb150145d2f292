import { OrderSagaApiError, OrderSagaNetworkError } from './errors';
import { OrderSagaClient } from './order-saga.client';
import { parseRetryAfter, RetryPolicy } from './retry-policy';

/**
 * The client's own logic against a scripted fetch (no server): what it sends on each attempt and how
 * long it waits. The same behaviours against the live stack are in apps/conformance/src/sdk.e2e-spec.ts.
 */
interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function scriptedFetch(answers: ((sent: Sent) => Response | Error)[]) {
  const sent: Sent[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const record: Sent = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>)),
      body: init?.body === undefined ? undefined : String(init.body),
    };
    sent.push(record);
    if (record.url.endsWith('/oauth/token'))
      return json(200, {
        access_token: `token-${sent.filter((s) => s.url.endsWith('/oauth/token')).length}`,
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'read write',
      });
    const answer = answers.shift();
    if (!answer) throw new Error('unexpected request');
    const result = answer(record);
    if (result instanceof Error) throw result;
    return result;
  }) as typeof fetch;
  return { fetchFn, sent, api: () => sent.filter((s) => !s.url.endsWith('/oauth/token')) };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

const order = {
  order_id: 'ORD-1',
  status: 'confirmed',
  customer_id: 'CUST-1',
  total_amount: 10,
  currency: 'USD',
  items: [],
  created_at: 'x',
  estimated_delivery: 'x',
  tracking_url: 'x',
};
const rateLimited = (retryAfter: string) =>
  json(
    429,
    { error_code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded', request_id: 'r', timestamp: 't', retry_after: Number(retryAfter) },
    { 'retry-after': retryAfter },
  );

function client(fetchFn: typeof fetch, extra: Partial<ConstructorParameters<typeof OrderSagaClient>[0]> = {}) {
  const waits: number[] = [];
  let now = Date.parse('2024-01-15T10:00:00Z');
  const sdk = new OrderSagaClient({
    baseUrl: 'http://api.test/',
    clientId: 'shop',
    clientSecret: 'secret',
    fetch: fetchFn,
    clock: () => now,
    sleep: async (ms) => {
      waits.push(ms);
    },
    retry: { random: () => 0.5 },
    ...extra,
  });
  return { sdk, waits, advance: (seconds: number) => (now += seconds * 1000) };
}

describe('OrderSagaClient', () => {
  it('reuses one token until 300 s before it expires, then fetches a new one', async () => {
    const script = scriptedFetch(Array.from({ length: 3 }, () => () => json(200, order)));
    const { sdk, advance } = client(script.fetchFn);

    await sdk.getOrder('ORD-1');
    advance(3600 - 301);
    await sdk.getOrder('ORD-1');
    advance(2);
    await sdk.getOrder('ORD-1');

    expect(script.api().map((s) => s.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-2']);
  });

  it('retries a 429 after the Retry-After seconds, with the same request id and idempotency key', async () => {
    const script = scriptedFetch([() => rateLimited('7'), () => json(201, order)]);
    const { sdk, waits } = client(script.fetchFn);

    const result = await sdk.placeOrder({ customer_id: 'CUST-1', items: [{ product_id: 'SKU-1', quantity: 1 }] }, { requestId: 'req-1' });

    expect(result.status).toBe(201);
    expect(waits).toEqual([7000]);
    const [first, second] = script.api();
    expect(second.headers['x-request-id']).toBe('req-1');
    expect(first.headers['x-request-id']).toBe('req-1');
    expect(first.headers['x-idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers['x-idempotency-key']).toBe(first.headers['x-idempotency-key']);
    expect(second.body).toBe(first.body);
  });

  it('backs off exponentially with jitter on 5xx and dropped connections, and stops after 3 attempts with a typed error', async () => {
    const unavailable = () => json(503, { error_code: 'SERVICE_UNAVAILABLE', message: 'down', request_id: 'req-9', timestamp: 't' });
    const script = scriptedFetch([() => new TypeError('fetch failed'), unavailable, unavailable]);
    const { sdk, waits } = client(script.fetchFn);

    const failure = await sdk.getProduct('SKU-1').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OrderSagaApiError);
    expect(failure).toMatchObject({ status: 503, errorCode: 'SERVICE_UNAVAILABLE', requestId: 'req-9', attempts: 3 });
    // random() = 0.5 of caps 500 ms then 1000 ms
    expect(waits).toEqual([250, 500]);
    expect(script.api()).toHaveLength(3);
  });

  it('does not retry a 4xx other than 429, and reports its error_code, request_id and details', async () => {
    const script = scriptedFetch([
      () =>
        json(400, {
          error_code: 'VALIDATION_ERROR',
          message: 'Request validation failed',
          details: [{ field: 'items[0].quantity', error: 'Must be between 1 and 999' }],
          request_id: 'req-2',
          timestamp: 't',
        }),
    ]);
    const { sdk, waits } = client(script.fetchFn);

    const failure = await sdk.placeOrder({ customer_id: 'CUST-1', items: [{ product_id: 'SKU-1', quantity: 0 }] }).catch((error: unknown) => error);

    expect(failure).toMatchObject({
      status: 400,
      errorCode: 'VALIDATION_ERROR',
      requestId: 'req-2',
      details: [{ field: 'items[0].quantity', error: 'Must be between 1 and 999' }],
      attempts: 1,
    });
    expect(waits).toEqual([]);
  });

  it('answers a 401 by fetching a new token and trying once more', async () => {
    const script = scriptedFetch([
      () => json(401, { error_code: 'UNAUTHORIZED', message: 'expired', request_id: 'r', timestamp: 't' }),
      () => json(200, order),
    ]);
    const { sdk } = client(script.fetchFn);

    await sdk.getOrder('ORD-1');

    expect(script.api().map((s) => s.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it("sends a call's extra headers, but its own authorization, request id and idempotency key win over theirs", async () => {
    const script = scriptedFetch([() => json(201, order)]);
    const { sdk } = client(script.fetchFn);

    await sdk.placeOrder(
      { customer_id: 'CUST-1', items: [{ product_id: 'SKU-1', quantity: 1 }] },
      {
        requestId: 'req-7',
        idempotencyKey: 'key-7',
        headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', Authorization: 'Bearer forged', 'X-Request-ID': 'other' },
      },
    );

    expect(script.api()[0].headers).toMatchObject({
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      authorization: 'Bearer token-1',
      'x-request-id': 'req-7',
      'x-idempotency-key': 'key-7',
    });
    expect(Object.keys(script.api()[0].headers).filter((name) => name.toLowerCase() === 'authorization')).toEqual(['authorization']);
  });

  it("carries an error answer's headers on the OrderSagaApiError", async () => {
    const forbidden = json(
      403,
      { error_code: 'FORBIDDEN', message: 'needs write', request_id: 'r', timestamp: 't' },
      { 'www-authenticate': 'Bearer error="insufficient_scope"' },
    );
    const script = scriptedFetch([() => forbidden]);
    const { sdk } = client(script.fetchFn);

    const failure = await sdk.adjustStock('SKU-1', { delta: 1 }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OrderSagaApiError);
    expect((failure as OrderSagaApiError).headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');
  });

  it('gives up on a token request that is not answered within timeoutMs', async () => {
    const hangs = ((_input: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))) as typeof fetch;
    const { sdk } = client(hangs, { timeoutMs: 50 });

    await expect(sdk.getOrder('ORD-1')).rejects.toThrow(/timed? ?out|abort/i);
  });

  it('gives up with OrderSagaNetworkError when no attempt gets an answer', async () => {
    const script = scriptedFetch([() => new TypeError('socket hang up'), () => new TypeError('socket hang up')]);
    const { sdk } = client(script.fetchFn, { retry: { maxAttempts: 2, random: () => 0 } });

    await expect(sdk.listOrders()).rejects.toBeInstanceOf(OrderSagaNetworkError);
  });
});

describe('RetryPolicy', () => {
  const now = Date.parse('2024-01-15T10:00:00Z');

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('60', now)).toBe(60_000);
    expect(parseRetryAfter('Mon, 15 Jan 2024 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('keeps the jittered delay under a cap that doubles per attempt, up to maxDelayMs', () => {
    const policy = new RetryPolicy({ maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999 });

    expect([1, 2, 3, 4, 5].map((attempt) => policy.delayBeforeNextAttempt(attempt, null, now))).toEqual([99, 199, 399, 799, 999]);
    expect(policy.delayBeforeNextAttempt(10, null, now)).toBeUndefined();
  });

  it('refuses to wait longer than maxRetryAfterMs for a Retry-After', () => {
    expect(new RetryPolicy({ maxRetryAfterMs: 10_000 }).delayBeforeNextAttempt(1, '3600', now)).toBeUndefined();
  });
});
