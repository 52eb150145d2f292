import fc from 'fast-check';
import { system } from './support/api';
import { errorFormatViolations, send } from './support/edge';
import { accessTokenClaims, unsigned } from './support/jwt-forge';

/**
 * Generated malformed requests against the real gateway: broken JSON, wrong types, unknown fields,
 * wrong content types, huge and unicode fields, bad and forged tokens, bad request ids, wrong methods
 * and paths, and hostile structures (deep nesting, huge arrays, duplicate and prototype keys, lone
 * surrogates, exponent numbers). Every answer must be a 4xx in the seed's error format (the token
 * endpoint: RFC 6749's). A fixed seed makes a failure reproducible; the counts are printed.
 */
const REQUESTS = 3000;
const CONCURRENCY = 8;
const SEED = 20_240_115;

interface FuzzRequest {
  kind: string;
  /** For structural bodies: which attack, for the printed counts. */
  shape?: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The token endpoint speaks OAuth errors, not the API's format. */
  oauth?: boolean;
}

type Auth = 'write' | 'read' | 'none' | 'garbage' | 'none-alg';

/** Header values fetch accepts: visible Latin-1 without control characters. */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 200 });
const anyText = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }));
const hugeText = fc.integer({ min: 1000, max: 90_000 }).map((n) => 'Ω'.repeat(n));
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
  anyText,
);
const auth = fc.constantFrom<Auth>('write', 'write', 'write', 'read', 'none', 'garbage', 'none-alg');

const orderLike = fc.record(
  {
    customer_id: fc.oneof(wrongType, hugeText, fc.constantFrom('', 'CUST-1', 'CUST 1', 'x'.repeat(51))),
    items: fc.oneof(
      wrongType,
      fc.constant([]),
      fc.array(
        fc.record(
          {
            product_id: fc.oneof(wrongType, fc.constant('SKU-001')),
            quantity: fc.oneof(wrongType, fc.integer({ min: -5, max: 5000 })),
            unit_price: fc.oneof(fc.double(), wrongType),
          },
          { requiredKeys: [] },
        ),
        {
          minLength: 1,
          maxLength: 120,
        },
      ),
    ),
    shipping_address: fc.oneof(wrongType, fc.record({ street: anyText, city: anyText, postal_code: anyText, country: anyText }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
);

/** Every body here is invalid for sure: an unknown field is always added to objects. */
const invalidOrderBody = fc.oneof(
  orderLike.map((order) => JSON.stringify({ ...order, ['unknown_' + 'field']: true })),
  fc
    .jsonValue()
    .filter((value) => typeof value !== 'object' || value === null || Array.isArray(value))
    .map((value) => JSON.stringify(value)),
);
const brokenJson = fc.oneof(
  invalidOrderBody.map((text) => text.slice(0, Math.max(1, text.length - 1 - (text.length % 7)))),
  anyText.map((text) => `{${text}`),
  fc.constantFrom('{', '[', '{"a":}', "{'single':'quotes'}", '{"a":1,,}', 'NaN', '\u0000', '{"a":"\\x"}'),
);

/** One generated order line holding `value` where a number belongs, in an order that is invalid anyway (an unknown field). */
const orderAround = (line: string): string => `{"customer_id":"CUST-1","items":[${line}],"unknown_field":true}`;

/** Nesting built as text: JSON.stringify of such values would overflow this process's stack first. */
const nested = (depth: number, open: string, close: string, inner = '1'): string => open.repeat(depth) + inner + close.repeat(depth);

/** Bodies whose structure is the attack; each is refused, none may reach a 5xx. Named for the counts. */
const structuralBody = fc.oneof(
  fc.integer({ min: 33, max: 20_000 }).map((depth) => ({ shape: 'deep arrays', body: nested(depth, '[', ']', '') })),
  fc.integer({ min: 33, max: 12_000 }).map((depth) => ({ shape: 'deep objects', body: nested(depth, '{"a":', '}') })),
  fc.integer({ min: 17, max: 6000 }).map((depth) => ({ shape: 'deep mixed', body: nested(depth, '{"items":[', ']}') })),
  fc
    .integer({ min: 3, max: 200 })
    .map((depth) => ({ shape: 'deep in an order', body: orderAround(`{"product_id":${nested(depth, '[', ']', '"SKU-001"')},"quantity":1}`) })),
  fc
    .oneof(fc.integer({ min: 1001, max: 30_000 }), fc.integer({ min: 30_000, max: 1_000_000 }))
    .map((length) => ({ shape: 'huge arrays', body: `{"items":[${'0,'.repeat(length - 1)}0]}` })),
  fc.integer({ min: 201, max: 5000 }).map((keys) => ({ shape: 'many keys', body: `{${Array.from({ length: keys }, (_, i) => `"k${i}":${i}`).join(',')}}` })),
  fc.tuple(fc.constantFrom('customer_id', 'items', 'unknown_field', 'quantity'), fc.integer({ min: 2, max: 50 })).map(([key, times]) => ({
    shape: 'duplicate keys',
    body: orderAround(`{"product_id":"SKU-001","quantity":1}`).replace('{', `{${`"${key}":"x",`.repeat(times)}`),
  })),
  fc
    .tuple(
      fc.constantFrom('__proto__', 'constructor', 'prototype', '\\u005f_proto__', 'construct\\u006fr'),
      fc.constantFrom('top', 'line', 'address'),
      wrongType,
    )
    .map(([key, where, value]) => {
      const member = `"${key}":${JSON.stringify(value)}`;
      const body =
        where === 'top'
          ? `{${member},"customer_id":"CUST-1","items":[{"product_id":"SKU-001","quantity":1}]}`
          : where === 'line'
            ? `{"customer_id":"CUST-1","items":[{"product_id":"SKU-001","quantity":1,${member}}]}`
            : `{"customer_id":"CUST-1","items":[{"product_id":"SKU-001","quantity":1}],"shipping_address":{${member}}}`;
      return { shape: 'prototype keys', body };
    }),
  fc
    .tuple(fc.constantFrom('\\ud800', '\\udfff', '\\ud83d\\u0041', '\\ud83d\\ud83d', '\ud800', '\udc00x'), fc.constantFrom('customer_id', 'product_id', 'key'))
    .map(([surrogate, where]) => ({
      shape: 'lone surrogates',
      body:
        where === 'key'
          ? `{"customer_id":"CUST-1","items":[],"${surrogate}":1}`
          : where === 'customer_id'
            ? `{"customer_id":"C${surrogate}","items":[]}`
            : orderAround(`{"product_id":"${surrogate}","quantity":1}`),
    })),
  fc
    .oneof(
      fc.constantFrom('1e400', '-1e400', '1e308', '1E16', '9007199254740993', '-9007199254740992', '1e-400', '0e0', '-0.0e-0', '2.5E+2', '1' + '0'.repeat(400)),
      fc.tuple(fc.integer({ min: -9, max: 9 }), fc.integer({ min: -500, max: 500 })).map(([mantissa, exponent]) => `${mantissa}e${exponent}`),
    )
    .map((number) => ({ shape: 'exponent numbers', body: orderAround(`{"product_id":"SKU-001","quantity":${number},"unit_price":${number}}`) })),
);

const ordersPost = fc.record({
  body: fc.oneof(invalidOrderBody, brokenJson),
  contentType: fc.oneof(
    fc.constant('application/json'),
    fc.constant('application/json'),
    fc.constantFrom(
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin-9',
      'application/jsonx',
    ),
    headerText,
  ),
  auth,
  requestId: fc.option(headerText, { nil: undefined }),
});

const strangeRequest = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
    path: fc.oneof(
      fc.constantFrom('/api/v1/orders', '/api/v1/orders/', '/api/v2/orders', '/api/v1', '/api', '/', '/api/v1/orders/ORD-1/track/x', '/api/v1/search/x/y'),
      anyText.map((text) => `/api/v1/orders/${encodeURIComponent(text)}`),
      fc.string({ maxLength: 40 }).map((text) => `/api/v1/${encodeURIComponent(text)}`),
      fc.constantFrom('/api/v1/orders/%E0%A4%A', '/api/v1/orders/%', '/api/v1/orders/..%2F..', '/%2e%2e/%2e%2e/etc/passwd'),
    ),
    auth: fc.constantFrom<Auth>('none', 'garbage', 'none-alg', 'read'),
    requestId: fc.option(headerText, { nil: undefined }),
  })
  // A read token may GET the list routes legitimately; those requests are not malformed.
  .filter((r) => !(r.auth === 'read' && ['GET', 'HEAD'].includes(r.method) && /^\/api\/v1\/(orders|search|customers|products)\/?$/.test(r.path)));

const badAuthorization = fc.oneof(
  headerText.map((text) => `Bearer ${text}`),
  fc
    .tuple(headerText, headerText, headerText)
    .map(([a, b, c]) => `Bearer ${Buffer.from(a).toString('base64url')}.${Buffer.from(b).toString('base64url')}.${c}`),
  headerText,
  fc.constantFrom('Bearer', 'Basic abc', 'Bearer a.b', 'Bearer ...', 'Bearer eyJ.eyJ.sig'),
);

const tokenRequest = fc.record({
  form: fc.dictionary(
    fc.constantFrom('grant_type', 'client_id', 'client_secret', 'scope', 'x'),
    fc.oneof(anyText, fc.constantFrom('client_credentials', 'password', 'read write', 'admin')),
    { maxKeys: 5 },
  ),
  contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain'),
  authorization: fc.option(badAuthorization, { nil: undefined }),
});

function buildRequests(tokens: { write: string; read: string }): FuzzRequest[] {
  const authHeader = (kind: Auth): Record<string, string> => {
    if (kind === 'write' || kind === 'read') return { authorization: `Bearer ${tokens[kind]}` };
    if (kind === 'garbage') return { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln' };
    if (kind === 'none-alg') return { authorization: `Bearer ${unsigned(accessTokenClaims('e2e-writer'))}` };
    return {};
  };
  const withId = (id: string | undefined): Record<string, string> => (id === undefined ? {} : { 'x-request-id': id });
  const request = fc.oneof(
    {
      weight: 5,
      arbitrary: ordersPost.map((r): FuzzRequest => ({
        kind: 'orders-post',
        method: 'POST',
        path: '/api/v1/orders',
        body: r.body,
        headers: { 'content-type': r.contentType, ...authHeader(r.auth), ...withId(r.requestId) },
      })),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(structuralBody, fc.constantFrom<Auth>('write', 'write', 'write', 'none')).map(([{ shape, body }, kind]): FuzzRequest => ({
        kind: 'structure',
        shape,
        method: 'POST',
        path: '/api/v1/orders',
        body,
        headers: { 'content-type': 'application/json', ...authHeader(kind) },
      })),
    },
    {
      weight: 2,
      arbitrary: strangeRequest.map((r): FuzzRequest => ({
        kind: 'route',
        method: r.method,
        path: r.path,
        headers: { ...authHeader(r.auth), ...withId(r.requestId) },
      })),
    },
    {
      weight: 2,
      arbitrary: badAuthorization.map((authorization): FuzzRequest => ({
        kind: 'token',
        method: 'GET',
        path: '/api/v1/orders/ORD-1',
        headers: { authorization },
      })),
    },
    {
      weight: 1,
      arbitrary: tokenRequest.map((r): FuzzRequest => ({
        kind: 'oauth',
        method: 'POST',
        path: '/oauth/token',
        body: r.contentType === 'application/json' ? JSON.stringify(r.form) : new URLSearchParams(r.form).toString(),
        headers: { 'content-type': r.contentType, ...(r.authorization ? { authorization: r.authorization } : {}) },
        oauth: true,
      })),
    },
  );
  return fc.sample(request, { numRuns: REQUESTS, seed: SEED });
}

function oauthViolations(status: number, text: string): string[] {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const ok =
      ['invalid_request', 'invalid_client', 'invalid_scope', 'unsupported_grant_type'].includes(body.error as string) &&
      typeof body.error_description === 'string';
    return ok && (status === 400 || status === 401) ? [] : [`OAuth error ${status} ${text.slice(0, 100)}`];
  } catch {
    return [`OAuth body is not JSON: ${text.slice(0, 80)}`];
  }
}

describe('fuzzing the gateway with malformed requests', () => {
  it(`answers ${REQUESTS} generated malformed requests with no 5xx and every error in its format`, async () => {
    const requests = buildRequests({ write: await system().token('writer'), read: await system().token('reader') });
    const statuses = new Map<number, number>();
    const shapes = new Map<string, number>();
    for (const request of requests) if (request.shape) shapes.set(request.shape, (shapes.get(request.shape) ?? 0) + 1);
    const failures: string[] = [];
    let sent = 0;
    let conforming = 0;

    const worker = async (): Promise<void> => {
      while (sent < requests.length) {
        const request = requests[sent];
        sent += 1;
        const url = `${process.env.E2E_GATEWAY_URL}${request.path}`;
        const response = await send(url, { method: request.method, headers: request.headers, body: request.method === 'GET' ? undefined : request.body });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const problems =
          response.status < 400 || response.status >= 500
            ? [`status ${response.status}`]
            : request.oauth
              ? oauthViolations(response.status, response.text)
              : errorFormatViolations(response.status, response.headers, response.text);
        if (problems.length === 0) conforming += 1;
        else if (failures.length < 20) failures.push(`${request.kind} ${request.method} ${request.path.slice(0, 60)} → ${problems.join('; ')}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    process.stdout.write(
      `[fuzz] sent ${requests.length} requests; ${conforming} answered in format; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}; structural ${JSON.stringify(Object.fromEntries(shapes))}\n`,
    );
    expect(failures).toEqual([]);
    expect(conforming).toBe(requests.length);
    expect(requests.length).toBeGreaterThanOrEqual(2000);
    // Every structural attack is actually generated, not just possible.
    expect([...shapes.values()].every((count) => count >= 20) && shapes.size === 10).toBe(true);
    expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
  }, 120_000);
});
