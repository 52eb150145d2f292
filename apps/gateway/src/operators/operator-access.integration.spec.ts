import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { DEAD_LETTER_SERVICES } from '@order-saga/contracts/http/operator';
import {
  DEAD_LETTER_ID,
  ENDED_ORDER,
  OperatorTestGateway,
  SAGA_ORDER,
  SETTLED_DEAD_LETTER_ID,
  SignedInSession,
  startOperatorTestGateway,
  WEBHOOK_DELIVERY,
  WEBHOOK_ENDPOINT,
} from './operator-test-gateway';

/**
 * Operator access through the real gateway (HTTP, PostgreSQL, Redis), its clock moved by the test instead of
 * waiting: sign-in, sessions and their two expiries, sign-out, CSRF, the operator routes relayed to stand-ins
 * for the services (order-service's sagas, every service's dead letters, notification-service's webhooks), the
 * operators CLI, and the audit row of every state-changing request.
 */

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const IDLE_SECONDS = 600;
const LIFETIME_SECONDS = 3600;
const PER_USERNAME = 6;
const PER_ADDRESS = 4;

let gateway: OperatorTestGateway;
let redis: Redis;

interface AuditRow {
  operator_username: string | null;
  action: string;
  target: string | null;
  status: number;
  error_code: string | null;
  request_id: string;
  remote_address: string | null;
}

beforeAll(async () => {
  gateway = await startOperatorTestGateway({
    OPERATOR_SESSION_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS),
    OPERATOR_SESSION_MAX_LIFETIME_SECONDS: String(LIFETIME_SECONDS),
    OPERATOR_SIGN_IN_PER_USERNAME_PER_MINUTE: String(PER_USERNAME),
    OPERATOR_SIGN_IN_PER_ADDRESS_PER_MINUTE: String(PER_ADDRESS),
  });
  redis = new Redis(REDIS_URL);
}, 60_000);

afterAll(async () => {
  redis?.disconnect();
  await gateway?.stop();
});

afterEach(() => {
  gateway.clock.release();
  gateway.received.length = 0;
});

let requestCount = 0;
/** A request id of its own per request, to find the request's audit row by. */
function requestId(): string {
  requestCount += 1;
  return `opaccess-${requestCount}-${randomUUID()}`;
}

function operatorRequest(method: string, path: string, session: Partial<SignedInSession>, init: { headers?: Record<string, string>; body?: unknown } = {}) {
  const headers: Record<string, string> = { 'x-request-id': requestId(), ...init.headers };
  if (session.cookie) headers.cookie = session.cookie;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${gateway.url}/api/v1/operator${path}`, { method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
}

const withCsrf = (session: SignedInSession) => ({ 'x-csrf-token': session.csrf });

async function auditRowOf(response: Response): Promise<AuditRow> {
  const rows = await gateway.gatewayRows<AuditRow>(
    'SELECT operator_username, action, target, status, error_code, request_id, remote_address FROM operator_audit_log WHERE request_id = $1',
    [response.headers.get('x-request-id')],
  );
  expect(rows).toHaveLength(1);
  return rows[0];
}

/**
 * An action and its repeat (same action id): both 202, only the repeat marked Idempotent-Replayed, the repeat's
 * body the first's byte for byte. Returns the first answer's body.
 */
async function expectReplayedAnswer(first: Response, repeated: Response): Promise<Record<string, unknown>> {
  expect([first.status, first.headers.get('idempotent-replayed')]).toEqual([202, null]);
  expect([repeated.status, repeated.headers.get('idempotent-replayed')]).toEqual([202, 'true']);
  const firstText = await first.text();
  expect(await repeated.text()).toBe(firstText);
  return JSON.parse(firstText) as Record<string, unknown>;
}

async function expectError(response: Response, status: number, errorCode: string): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ error_code: errorCode, message: expect.any(String), request_id: response.headers.get('x-request-id') });
  return body;
}

const sessionKey = (sessionId: string) => `${gateway.env.OPERATOR_SESSION_KEY_PREFIX}:${createHash('sha256').update(sessionId).digest('hex')}`;
const cleared = (response: Response) => response.headers.getSetCookie().some((cookie) => /^operator_session=;.*Expires=Thu, 01 Jan 1970/.test(cookie));

describe('sign-in', () => {
  it('signs an operator in: an HttpOnly SameSite=Strict cookie for the operator routes, the CSRF token in the body, the session in Redis under a hash of its id', async () => {
    const { username, password } = await gateway.createOperator('Jane Doe');

    const response = await gateway.signInRequest(username.toUpperCase(), password, { 'x-request-id': 'opaccess-sign-in-1', 'x-forwarded-for': '10.1.2.3' });

    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const [cookie, ...others] = response.headers.getSetCookie();
    expect(others).toEqual([]);
    expect(cookie).toMatch(/^operator_session=[A-Za-z0-9_-]{43}; Path=\/api\/v1\/operator; HttpOnly; SameSite=Strict$/);
    const sessionId = cookie.slice('operator_session='.length, cookie.indexOf(';'));
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      operator: { username, display_name: 'Jane Doe', role: 'operator' },
      csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      created_at: expect.any(String),
      expires_at: new Date(Date.parse(body.created_at as string) + LIFETIME_SECONDS * 1000).toISOString(),
      idle_timeout_seconds: IDLE_SECONDS,
    });
    expect(JSON.stringify(body)).not.toContain(sessionId);

    const stored = await redis.get(sessionKey(sessionId));
    expect(JSON.parse(stored ?? 'null')).toMatchObject({ username, csrfToken: body.csrf_token });
    expect(stored).not.toContain(sessionId);
    expect(await redis.pttl(sessionKey(sessionId))).toBeGreaterThan((IDLE_SECONDS - 60) * 1000);

    const session = await operatorRequest('GET', '/session', { cookie: `operator_session=${sessionId}` });
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual(body);

    expect(await auditRowOf(response)).toEqual({
      operator_username: username,
      action: 'sign-in',
      target: null,
      status: 201,
      error_code: null,
      request_id: 'opaccess-sign-in-1',
      remote_address: '10.1.2.3',
    });
  });

  it('refuses a wrong password, an unknown username and a disabled account alike: 401 INVALID_CREDENTIALS, no cookie, each attempt in the audit log', async () => {
    const { username, password } = await gateway.createOperator();
    const disabled = await gateway.createOperator();
    await gateway.gatewayRows('UPDATE operator_account SET disabled_at = now() WHERE username = $1', [disabled.username]);

    const attempts = [
      await gateway.signInRequest(username, `${password}x`),
      await gateway.signInRequest('nobody@example.com', password),
      await gateway.signInRequest(disabled.username, disabled.password),
    ];

    const bodies = [];
    for (const attempt of attempts) {
      expect(attempt.headers.getSetCookie()).toEqual([]);
      const { message } = await expectError(attempt, 401, 'INVALID_CREDENTIALS');
      bodies.push(message);
    }
    expect(new Set(bodies).size).toBe(1);
    const rows = await Promise.all(attempts.map(auditRowOf));
    expect(rows.map((row) => [row.operator_username, row.action, row.status, row.error_code])).toEqual([
      [username, 'sign-in', 401, 'INVALID_CREDENTIALS'],
      // An unknown name is not recorded: it may be a password typed into the wrong field.
      [null, 'sign-in', 401, 'INVALID_CREDENTIALS'],
      [disabled.username, 'sign-in', 401, 'INVALID_CREDENTIALS'],
    ]);
  });

  it('answers a body that is not JSON with 400 VALIDATION_ERROR, and records the attempt', async () => {
    const response = await fetch(`${gateway.url}/api/v1/operator/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': requestId() },
      body: 'username=jane&password=secret',
    });

    await expectError(response, 400, 'VALIDATION_ERROR');
    expect(await auditRowOf(response)).toMatchObject({ action: 'sign-in', status: 400, error_code: 'VALIDATION_ERROR', operator_username: null });
  });

  it.each(['null', '[]', '"ops"', '{"username":"ops"}', '{"username":"ops","password":7}', '{"username":"ops","password":"pw","remember":true}'])(
    'answers the JSON body %s with 400 VALIDATION_ERROR and no session',
    async (body) => {
      const response = await fetch(`${gateway.url}/api/v1/operator/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId(), 'x-forwarded-for': '10.77.0.1' },
        body,
      });

      await expectError(response, 400, 'VALIDATION_ERROR');
      expect(response.headers.getSetCookie()).toEqual([]);
    },
  );

  it('limits sign-in attempts per username: past the limit even the right password gets 429 with Retry-After', async () => {
    const { username, password } = await gateway.createOperator();
    for (let attempt = 0; attempt < PER_USERNAME; attempt += 1) expect((await gateway.signInRequest(username, 'wrong-password')).status).toBe(401);

    const limited = await gateway.signInRequest(username, password);

    const body = await expectError(limited, 429, 'RATE_LIMIT_EXCEEDED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(body.retry_after).toBe(Number(limited.headers.get('retry-after')));
    expect(limited.headers.getSetCookie()).toEqual([]);
    expect(await auditRowOf(limited)).toMatchObject({ operator_username: username, action: 'sign-in', status: 429, error_code: 'RATE_LIMIT_EXCEEDED' });
  });

  it('limits sign-in attempts per address, whichever usernames they name', async () => {
    const address = { 'x-forwarded-for': '10.200.0.1' };
    const { username, password } = await gateway.createOperator();
    for (let attempt = 0; attempt < PER_ADDRESS; attempt += 1) {
      expect((await gateway.signInRequest(`guess-${attempt}@example.com`, 'wrong-password', address)).status).toBe(401);
    }

    await expectError(await gateway.signInRequest(username, password, address), 429, 'RATE_LIMIT_EXCEEDED');
    expect((await gateway.signInRequest(username, password, { 'x-forwarded-for': '10.200.0.2' })).status).toBe(201);
  });

  it('ends the session a browser already had when it signs in again, so no session id survives a sign-in', async () => {
    const { username, password } = await gateway.createOperator();
    const first = await gateway.signIn(username, password);

    const again = await gateway.signInRequest(username, password, { cookie: first.cookie });

    expect(again.status).toBe(201);
    expect(await redis.exists(sessionKey(first.sessionId))).toBe(0);
    await expectError(await operatorRequest('GET', '/session', first), 401, 'OPERATOR_SESSION_REQUIRED');
  });
});

describe('sessions', () => {
  it('answers every operator route without a session cookie, or with one that names no session, with 401 OPERATOR_SESSION_REQUIRED', async () => {
    await expectError(await operatorRequest('GET', '/session', {}), 401, 'OPERATOR_SESSION_REQUIRED');
    const made_up = await operatorRequest('GET', '/sagas', { cookie: `operator_session=${'x'.repeat(43)}` });
    await expectError(made_up, 401, 'OPERATOR_SESSION_REQUIRED');
    expect(cleared(made_up)).toBe(true);
    expect(gateway.received).toEqual([]);
  });

  it('ends a session after the idle timeout without a request, and keeps one alive that is used within it', async () => {
    const { username, password } = await gateway.createOperator();
    const kept = await gateway.signIn(username, password);
    const idle = await gateway.signIn(username, password);

    gateway.clock.advance((IDLE_SECONDS - 1) * 1000);
    expect((await operatorRequest('GET', '/session', kept)).status).toBe(200);
    gateway.clock.advance(2000);

    const expired = await operatorRequest('GET', '/session', idle);
    await expectError(expired, 401, 'OPERATOR_SESSION_REQUIRED');
    expect(cleared(expired)).toBe(true);
    expect(await redis.exists(sessionKey(idle.sessionId))).toBe(0);
    expect((await operatorRequest('GET', '/session', kept)).status).toBe(200);
  });

  it('ends a session at its absolute lifetime however active it was', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);

    const step = (IDLE_SECONDS - 10) * 1000;
    let elapsed = 0;
    while (elapsed + step < LIFETIME_SECONDS * 1000) {
      gateway.clock.advance(step);
      elapsed += step;
      expect((await operatorRequest('GET', '/sagas', session)).status).toBe(200);
    }
    gateway.clock.advance(LIFETIME_SECONDS * 1000 - elapsed);

    await expectError(await operatorRequest('GET', '/sagas', session), 401, 'OPERATOR_SESSION_REQUIRED');
    expect(gateway.received).toHaveLength(Math.floor((LIFETIME_SECONDS * 1000 - 1) / step));
  });

  it('signs out: the session is gone from Redis, the cookie cleared, the old cookie refused; both attempts audited', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);

    const withoutToken = await operatorRequest('DELETE', '/session', session);
    await expectError(withoutToken, 403, 'CSRF_TOKEN_INVALID');
    expect(await redis.exists(sessionKey(session.sessionId))).toBe(1);

    const signedOut = await operatorRequest('DELETE', '/session', session, { headers: withCsrf(session) });
    expect(signedOut.status).toBe(204);
    expect(cleared(signedOut)).toBe(true);
    expect(await redis.exists(sessionKey(session.sessionId))).toBe(0);
    await expectError(await operatorRequest('GET', '/session', session), 401, 'OPERATOR_SESSION_REQUIRED');

    expect(await auditRowOf(withoutToken)).toMatchObject({ operator_username: username, action: 'sign-out', status: 403, error_code: 'CSRF_TOKEN_INVALID' });
    expect(await auditRowOf(signedOut)).toMatchObject({ operator_username: username, action: 'sign-out', status: 204, error_code: null });
  });

  it('does not let a session cookie authorize the API clients’ routes', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);

    const response = await fetch(`${gateway.url}/api/v1/orders/${SAGA_ORDER}`, { headers: { cookie: session.cookie } });

    await expectError(response, 401, 'UNAUTHORIZED');
    expect(gateway.received).toEqual([]);
  });
});

describe('CSRF', () => {
  const action = () => ({ action_id: randomUUID(), reason: 'payment provider outage' });

  it('refuses a saga action without X-CSRF-Token, or with another value, with 403 CSRF_TOKEN_INVALID; order-service never hears of it', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);
    const other = await gateway.signIn(username, password);

    const missing = await operatorRequest('POST', `/sagas/${SAGA_ORDER}/cancel`, session, { body: action() });
    const wrong = await operatorRequest('POST', `/sagas/${SAGA_ORDER}/cancel`, session, { body: action(), headers: { 'x-csrf-token': `${session.csrf}x` } });
    const anotherSessions = await operatorRequest('POST', `/sagas/${SAGA_ORDER}/cancel`, session, { body: action(), headers: withCsrf(other) });

    for (const refused of [missing, wrong, anotherSessions]) {
      await expectError(refused, 403, 'CSRF_TOKEN_INVALID');
      const audited = { operator_username: username, action: 'saga.cancel', target: SAGA_ORDER, status: 403, error_code: 'CSRF_TOKEN_INVALID' };
      expect(await auditRowOf(refused)).toMatchObject(audited);
    }
    expect(gateway.received).toEqual([]);
  });
});

describe('the operator saga routes', () => {
  it('relays the sagas listing and one saga to order-service as the signed-in operator, not as any API client', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);

    const list = await operatorRequest('GET', '/sagas?state=stuck&older_than=60&limit=5', session);
    const one = await operatorRequest('GET', `/sagas/${SAGA_ORDER}`, session);
    const missing = await operatorRequest('GET', '/sagas/ORD-404', session);

    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ data: [], pagination: { limit: 5, has_more: false, next_cursor: null } });
    expect(await one.json()).toEqual({ order_id: SAGA_ORDER, state: 'PROCESSING_PAYMENT' });
    await expectError(missing, 404, 'NOT_FOUND');
    expect(gateway.received.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /sagas?state=stuck&older_than=60&limit=5',
      `GET /sagas/${SAGA_ORDER}`,
      'GET /sagas/ORD-404',
    ]);
    for (const request of gateway.received) {
      expect(request.headers['x-operator-id']).toBe(username);
      expect(request.headers['x-client-id']).toBeUndefined();
      expect(request.headers.cookie).toBeUndefined();
    }
    expect(gateway.received[0].headers['x-request-id']).toBe(list.headers.get('x-request-id'));
  });

  it('relays the overview’s figures with their window to order-service’s GET /sagas/figures, not as a saga named "figures"', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);

    const figures = await operatorRequest('GET', '/sagas/figures?minutes=15', session);

    expect(figures.status).toBe(200);
    expect(await figures.json()).toEqual({ window_minutes: 15 });
    expect(gateway.received.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /sagas/figures?minutes=15']);
    expect(gateway.received[0].headers['x-operator-id']).toBe(username);
  });

  it('names the session’s operator to order-service whatever x-operator-id the request carries, and never lets an API client name one', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);
    const body = { action_id: randomUUID(), reason: 'stuck at the provider' };

    const spoofed = await operatorRequest('POST', `/sagas/${SAGA_ORDER}/retry`, session, {
      body,
      headers: { ...withCsrf(session), 'x-operator-id': 'mallory' },
    });
    const asClient = await fetch(`${gateway.url}/api/v1/orders/${SAGA_ORDER}`, {
      headers: { authorization: `Bearer ${await gateway.apiToken()}`, 'x-operator-id': 'mallory' },
    });

    expect(spoofed.status).toBe(202);
    expect(await spoofed.json()).toMatchObject({ operator_id: username, action: 'retry-step' });
    expect(asClient.status).toBe(404);
    expect(gateway.received.map((request) => [request.url, request.headers['x-operator-id'], request.headers['x-client-id']])).toEqual([
      [`/sagas/${SAGA_ORDER}/retry`, username, undefined],
      [`/orders/${SAGA_ORDER}`, undefined, 'shop'],
    ]);
    expect(JSON.parse(gateway.received[0].body)).toEqual(body);
  });

  it('relays a repeated action with Idempotent-Replayed: true, and a refusal of order-service as it came; each one audited with its outcome', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);
    const body = { action_id: randomUUID(), reason: 'customer asked' };

    const first = await operatorRequest('POST', `/sagas/${SAGA_ORDER}/cancel`, session, { body, headers: withCsrf(session) });
    const repeated = await operatorRequest('POST', `/sagas/${SAGA_ORDER}/cancel`, session, { body, headers: withCsrf(session) });
    const ended = await operatorRequest('POST', `/sagas/${ENDED_ORDER}/cancel`, session, {
      body: { ...body, action_id: randomUUID() },
      headers: withCsrf(session),
    });

    await expectReplayedAnswer(first, repeated);
    await expectError(ended, 409, 'SAGA_ALREADY_ENDED');

    const rows = await Promise.all([first, repeated, ended].map(auditRowOf));
    expect(rows.map((row) => [row.operator_username, row.action, row.target, row.status, row.error_code])).toEqual([
      [username, 'saga.cancel', SAGA_ORDER, 202, null],
      [username, 'saga.cancel', SAGA_ORDER, 202, null],
      [username, 'saga.cancel', ENDED_ORDER, 409, 'SAGA_ALREADY_ENDED'],
    ]);
  });

  it('audits a saga action refused for want of a session, with no operator', async () => {
    const refused = await operatorRequest('POST', `/sagas/${SAGA_ORDER}/retry`, {}, { body: { action_id: randomUUID(), reason: 'x' } });

    await expectError(refused, 401, 'OPERATOR_SESSION_REQUIRED');
    const audited = { operator_username: null, action: 'saga.retry', target: SAGA_ORDER, status: 401, error_code: 'OPERATOR_SESSION_REQUIRED' };
    expect(await auditRowOf(refused)).toMatchObject(audited);
  });
});

describe('the operator dead-letter routes', () => {
  const action = () => ({ action_id: randomUUID(), reason: 'fixed in release 1.4.2' });

  it('relays each service’s dead letters to that service, as the signed-in operator, with the filters as given', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);

    const answers = [];
    for (const service of DEAD_LETTER_SERVICES) {
      const list = await operatorRequest('GET', `/dead-letters/${service}?status=parked&limit=5`, session);
      const one = await operatorRequest('GET', `/dead-letters/${service}/${DEAD_LETTER_ID}`, session);
      answers.push([list.status, ((await list.json()) as { data: { consumer: string }[] }).data[0].consumer, one.status]);
    }

    expect(answers).toEqual([
      [200, 'order.stand-in', 200],
      [200, 'inventory.stand-in', 200],
      [200, 'payment.stand-in', 200],
      [200, 'notification.stand-in', 200],
    ]);
    expect(gateway.received.map((request) => [request.service, `${request.method} ${request.url}`])).toEqual(
      DEAD_LETTER_SERVICES.flatMap((service) => [
        [service, 'GET /dead-letters?status=parked&limit=5'],
        [service, `GET /dead-letters/${DEAD_LETTER_ID}`],
      ]),
    );
    for (const request of gateway.received) {
      expect(request.headers['x-operator-id']).toBe(username);
      expect(request.headers['x-client-id']).toBeUndefined();
      expect(request.headers.cookie).toBeUndefined();
    }
  });

  it('relays each service’s depth to that service’s GET /dead-letters/depth, not as a dead letter named "depth"', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);

    const depths = [];
    for (const service of DEAD_LETTER_SERVICES) {
      const depth = await operatorRequest('GET', `/dead-letters/${service}/depth`, session);
      depths.push([depth.status, await depth.json()]);
    }
    const unknown = await operatorRequest('GET', '/dead-letters/billing-service/depth', session);

    expect(depths.map(([status, body]) => [status, (body as { parked: number }).parked])).toEqual(DEAD_LETTER_SERVICES.map(() => [200, 1]));
    expect((depths[1][1] as { consumers: unknown[] }).consumers).toEqual([
      { consumer: 'inventory.stand-in', topic: 'inventory-service.stand-in.v1', parked: 1 },
    ]);
    await expectError(unknown, 400, 'VALIDATION_ERROR');
    expect(gateway.received.map((request) => [request.service, `${request.method} ${request.url}`, request.headers['x-operator-id']])).toEqual(
      DEAD_LETTER_SERVICES.map((service) => [service, 'GET /dead-letters/depth', username]),
    );
  });

  it('relays a redrive as the session’s operator whatever x-operator-id it carries, a repeat with Idempotent-Replayed, a refusal as it came; each audited as dead-letter.redrive of <service>/<id>', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);
    const body = action();
    const redrive = (id: string, sent: object) =>
      operatorRequest('POST', `/dead-letters/inventory-service/${id}/redrive`, session, {
        body: sent,
        headers: { ...withCsrf(session), 'x-operator-id': 'mallory' },
      });

    const first = await redrive(DEAD_LETTER_ID, body);
    const repeated = await redrive(DEAD_LETTER_ID, body);
    const settled = await redrive(SETTLED_DEAD_LETTER_ID, action());

    expect(await expectReplayedAnswer(first, repeated)).toMatchObject({
      action_id: body.action_id,
      action: 'redrive',
      operator_id: username,
      reason: body.reason,
    });
    await expectError(settled, 409, 'CONFLICT');
    expect(gateway.received.map((request) => [request.service, `${request.method} ${request.url}`, request.headers['x-operator-id']])).toEqual([
      ['inventory-service', `POST /dead-letters/${DEAD_LETTER_ID}/redrive`, username],
      ['inventory-service', `POST /dead-letters/${DEAD_LETTER_ID}/redrive`, username],
      ['inventory-service', `POST /dead-letters/${SETTLED_DEAD_LETTER_ID}/redrive`, username],
    ]);
    expect(JSON.parse(gateway.received[0].body)).toEqual(body);

    const rows = await Promise.all([first, repeated, settled].map(auditRowOf));
    expect(rows.map((row) => [row.operator_username, row.action, row.target, row.status, row.error_code])).toEqual([
      [username, 'dead-letter.redrive', `inventory-service/${DEAD_LETTER_ID}`, 202, null],
      [username, 'dead-letter.redrive', `inventory-service/${DEAD_LETTER_ID}`, 202, null],
      [username, 'dead-letter.redrive', `inventory-service/${SETTLED_DEAD_LETTER_ID}`, 409, 'CONFLICT'],
    ]);
    const onTarget = await operatorRequest(
      'GET',
      `/audit-log?target=${encodeURIComponent(`inventory-service/${DEAD_LETTER_ID}`)}&operator=${encodeURIComponent(username)}`,
      session,
    );
    expect(((await onTarget.json()) as { data: { request_id: string }[] }).data.map((entry) => entry.request_id)).toEqual(
      [repeated, first].map((response) => response.headers.get('x-request-id')),
    );
  });

  it('redrives every parked dead letter of a service and discards one, each audited under its own action and target', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);
    const all = { ...action(), consumer: 'payment.process-payment' };

    const redriven = await operatorRequest('POST', '/dead-letters/payment-service/redrive', session, { body: all, headers: withCsrf(session) });
    const discarded = await operatorRequest('POST', `/dead-letters/order-service/${DEAD_LETTER_ID}/discard`, session, {
      body: action(),
      headers: withCsrf(session),
    });

    expect(redriven.status).toBe(202);
    expect(await redriven.json()).toMatchObject({ action: 'redrive-all', operator_id: username, consumer: all.consumer, redriven: [DEAD_LETTER_ID] });
    expect(discarded.status).toBe(200);
    expect(await discarded.json()).toMatchObject({ action: 'discard', operator_id: username, dead_letter: { id: DEAD_LETTER_ID } });
    expect(gateway.received.map((request) => [request.service, `${request.method} ${request.url}`])).toEqual([
      ['payment-service', 'POST /dead-letters/redrive'],
      ['order-service', `POST /dead-letters/${DEAD_LETTER_ID}/discard`],
    ]);
    expect(JSON.parse(gateway.received[0].body)).toEqual(all);
    expect((await Promise.all([redriven, discarded].map(auditRowOf))).map((row) => [row.operator_username, row.action, row.target, row.status])).toEqual([
      [username, 'dead-letter.redrive-all', 'payment-service', 202],
      [username, 'dead-letter.discard', `order-service/${DEAD_LETTER_ID}`, 200],
    ]);
  });

  it('refuses a service that is not one of the four with 400 VALIDATION_ERROR naming the parameter, reaching no service; the refused action audited', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);
    const invalidService = {
      field: 'service',
      error: 'Must be one of order-service, inventory-service, payment-service, notification-service',
    };

    const list = await operatorRequest('GET', '/dead-letters/billing-service', session);
    const one = await operatorRequest('GET', `/dead-letters/billing-service/${DEAD_LETTER_ID}`, session);
    const redrive = await operatorRequest('POST', `/dead-letters/billing-service/${DEAD_LETTER_ID}/redrive`, session, {
      body: action(),
      headers: withCsrf(session),
    });
    const redriveAll = await operatorRequest('POST', '/dead-letters/billing-service/redrive', session, { body: action(), headers: withCsrf(session) });

    for (const refused of [list, one, redrive, redriveAll]) {
      expect(await expectError(refused, 400, 'VALIDATION_ERROR')).toMatchObject({ details: [invalidService], timestamp: expect.any(String) });
    }
    expect(gateway.received).toEqual([]);
    expect(
      (await Promise.all([redrive, redriveAll].map(auditRowOf))).map((row) => [row.operator_username, row.action, row.target, row.status, row.error_code]),
    ).toEqual([
      [username, 'dead-letter.redrive', `billing-service/${DEAD_LETTER_ID}`, 400, 'VALIDATION_ERROR'],
      [username, 'dead-letter.redrive-all', 'billing-service', 400, 'VALIDATION_ERROR'],
    ]);
  });
});

describe('the operator webhook routes', () => {
  const action = () => ({ action_id: randomUUID(), reason: 'receiver fixed their TLS certificate' });

  it('relays the endpoints, the deliveries (of one order, say) and one delivery to notification-service as the signed-in operator', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);

    const endpoints = await operatorRequest('GET', '/webhook-endpoints?client_id=shop&enabled=true', session);
    const ofOrder = await operatorRequest('GET', `/webhook-deliveries?order_id=${SAGA_ORDER}`, session);
    const one = await operatorRequest('GET', `/webhook-deliveries/${WEBHOOK_DELIVERY}`, session);
    const missing = await operatorRequest('GET', `/webhook-deliveries/${randomUUID()}`, session);

    expect(endpoints.status).toBe(200);
    expect(((await endpoints.json()) as { data: unknown[] }).data).toEqual([{ endpoint_id: WEBHOOK_ENDPOINT }]);
    expect(((await ofOrder.json()) as { data: unknown[] }).data).toEqual([{ delivery_id: WEBHOOK_DELIVERY, order_id: SAGA_ORDER }]);
    expect(await one.json()).toEqual({ delivery_id: WEBHOOK_DELIVERY, status: 'failed' });
    await expectError(missing, 404, 'NOT_FOUND');
    expect(gateway.received.map((request) => [request.service, `${request.method} ${request.url}`, request.headers['x-operator-id']])).toEqual([
      ['notification-service', 'GET /operator/webhook-endpoints?client_id=shop&enabled=true', username],
      ['notification-service', `GET /operator/webhook-deliveries?order_id=${SAGA_ORDER}`, username],
      ['notification-service', `GET /operator/webhook-deliveries/${WEBHOOK_DELIVERY}`, username],
      ['notification-service', expect.stringMatching(/^GET \/operator\/webhook-deliveries\/[0-9a-f-]{36}$/), username],
    ]);
  });

  it('relays the overview’s figures with their window to notification-service, not as a delivery named "figures"', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);

    const figures = await operatorRequest('GET', '/webhook-deliveries/figures?minutes=15', session);

    expect(figures.status).toBe(200);
    expect(await figures.json()).toEqual({ window_minutes: 15, success_rate: 0.5 });
    expect(gateway.received.map((request) => [request.service, `${request.method} ${request.url}`, request.headers['x-operator-id']])).toEqual([
      ['notification-service', 'GET /operator/webhook-deliveries/figures?minutes=15', username],
    ]);
  });

  it('relays a resend as the session’s operator whatever x-operator-id it carries, a repeat with Idempotent-Replayed; both audited as webhook.resend of the delivery', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);
    const body = action();
    const resend = () =>
      operatorRequest('POST', `/webhook-deliveries/${WEBHOOK_DELIVERY}/resend`, session, {
        body,
        headers: { ...withCsrf(session), 'x-operator-id': 'mallory' },
      });

    const first = await resend();
    const repeated = await resend();

    expect(await expectReplayedAnswer(first, repeated)).toMatchObject({ action: 'resend', operator_id: username, delivery_ids: [WEBHOOK_DELIVERY] });
    expect(gateway.received.map((request) => [request.service, `${request.method} ${request.url}`, request.headers['x-operator-id']])).toEqual([
      ['notification-service', `POST /operator/webhook-deliveries/${WEBHOOK_DELIVERY}/resend`, username],
      ['notification-service', `POST /operator/webhook-deliveries/${WEBHOOK_DELIVERY}/resend`, username],
    ]);
    expect(JSON.parse(gateway.received[0].body)).toEqual(body);
    expect(
      (await Promise.all([first, repeated].map(auditRowOf))).map((row) => [row.operator_username, row.action, row.target, row.status, row.error_code]),
    ).toEqual([
      [username, 'webhook.resend', WEBHOOK_DELIVERY, 202, null],
      [username, 'webhook.resend', WEBHOOK_DELIVERY, 202, null],
    ]);
  });

  it('relays a resend of the failed deliveries and a test event; audited as webhook.resend-failed (its scope is in the body, so no target) and webhook.test-event of the endpoint', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);
    const failed = { ...action(), since: '2026-01-01T00:00:00Z', client_id: 'shop' };

    const resent = await operatorRequest('POST', '/webhook-deliveries/resend-failed', session, { body: failed, headers: withCsrf(session) });
    const test = await operatorRequest('POST', `/webhook-endpoints/${WEBHOOK_ENDPOINT}/test-event`, session, { body: action(), headers: withCsrf(session) });

    expect(resent.status).toBe(202);
    expect(await resent.json()).toMatchObject({ action: 'resend-failed', operator_id: username, since: failed.since });
    expect(test.status).toBe(202);
    expect(await test.json()).toMatchObject({ action: 'send-test-event', operator_id: username, endpoint_id: WEBHOOK_ENDPOINT });
    expect(gateway.received.map((request) => [request.service, `${request.method} ${request.url}`])).toEqual([
      ['notification-service', 'POST /operator/webhook-deliveries/resend-failed'],
      ['notification-service', `POST /operator/webhook-endpoints/${WEBHOOK_ENDPOINT}/test-event`],
    ]);
    expect(JSON.parse(gateway.received[0].body)).toEqual(failed);
    expect((await Promise.all([resent, test].map(auditRowOf))).map((row) => [row.operator_username, row.action, row.target, row.status])).toEqual([
      [username, 'webhook.resend-failed', null, 202],
      [username, 'webhook.test-event', WEBHOOK_ENDPOINT, 202],
    ]);
  });
});

describe('GET /api/v1/operator/audit-log', () => {
  it('lists entries newest first, filtered by operator and by target, one page after another', async () => {
    const { username, password } = await gateway.createOperator();
    const session = await gateway.signIn(username, password);
    const act = (order: string) =>
      operatorRequest('POST', `/sagas/${order}/retry`, session, { body: { action_id: randomUUID(), reason: 'audit listing' }, headers: withCsrf(session) });
    await act(SAGA_ORDER);
    await act(ENDED_ORDER);
    await act(SAGA_ORDER);

    const page = async (query: string) => {
      const response = await operatorRequest('GET', `/audit-log?${query}`, session);
      expect(response.status).toBe(200);
      return (await response.json()) as { data: Record<string, unknown>[]; pagination: { has_more: boolean; next_cursor: string | null } };
    };
    const mine = await page(`operator=${encodeURIComponent(username)}`);
    expect(mine.data.map((entry) => [entry.action, entry.target, entry.status])).toEqual([
      ['saga.retry', SAGA_ORDER, 202],
      ['saga.retry', ENDED_ORDER, 409],
      ['saga.retry', SAGA_ORDER, 202],
      ['sign-in', null, 201],
    ]);
    expect(mine.data[0]).toEqual({
      entry_id: expect.stringMatching(/^\d+$/),
      occurred_at: expect.any(String),
      operator: username,
      action: 'saga.retry',
      target: SAGA_ORDER,
      status: 202,
      error_code: null,
      request_id: expect.any(String),
      address: '127.0.0.1',
    });

    const onTarget = await page(`operator=${encodeURIComponent(username)}&target=${SAGA_ORDER}&limit=1`);
    expect(onTarget.data.map((entry) => entry.entry_id)).toEqual([mine.data[0].entry_id]);
    expect(onTarget.pagination.has_more).toBe(true);
    const next = await page(`operator=${encodeURIComponent(username)}&target=${SAGA_ORDER}&limit=1&cursor=${onTarget.pagination.next_cursor}`);
    expect(next.data.map((entry) => entry.entry_id)).toEqual([mine.data[2].entry_id]);
    expect(next.pagination).toMatchObject({ has_more: false, next_cursor: null });

    await expectError(await operatorRequest('GET', '/audit-log?cursor=bm90LWFuLWlk', session), 400, 'VALIDATION_ERROR');
    await expectError(await operatorRequest('GET', '/audit-log?action=delete-everything', session), 400, 'VALIDATION_ERROR');
  });
});

describe('the operators CLI', () => {
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, ['-r', './tools/register.js', 'apps/gateway/src/operators/accounts/operators.cli.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: gateway.database.url },
    });
  const printed = (stdout: string) =>
    Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => line.split('=', 2) as [string, string]),
    );

  it('creates an operator who signs in with the password it printed once; a new password or disabling ends the sessions at their next request', async () => {
    const created = printed((await cli(['create', '--username', 'cli-ops@example.com', '--display-name', 'CLI Ops'])).stdout);
    expect(created).toEqual({ username: 'cli-ops@example.com', account: 'created', password: expect.stringMatching(/^[\w-]{24}$/) });
    const [stored] = await gateway.gatewayRows<{ password_hash: string; display_name: string }>(
      'SELECT password_hash, display_name FROM operator_account WHERE username = $1',
      ['cli-ops@example.com'],
    );
    expect(stored).toEqual({ password_hash: expect.stringMatching(/^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/), display_name: 'CLI Ops' });
    const before = await gateway.signIn('cli-ops@example.com', created.password);

    await expect(cli(['create', '--username', 'cli-ops@example.com'])).rejects.toMatchObject({ code: 3 });
    const reset = printed((await cli(['create', '--username', 'cli-ops@example.com', '--if-exists', 'reset-password'])).stdout);
    expect(reset).toMatchObject({ account: 'existing', password: expect.stringMatching(/^[\w-]{24}$/) });
    expect(reset.password).not.toBe(created.password);
    await expectError(await operatorRequest('GET', '/session', before), 401, 'OPERATOR_SESSION_REQUIRED');
    await expectError(await gateway.signInRequest('cli-ops@example.com', created.password), 401, 'INVALID_CREDENTIALS');
    const after = await gateway.signIn('cli-ops@example.com', reset.password);

    expect(printed((await cli(['disable', '--username', 'cli-ops@example.com'])).stdout)).toEqual({ username: 'cli-ops@example.com', status: 'disabled' });
    await expectError(await operatorRequest('GET', '/session', after), 401, 'OPERATOR_SESSION_REQUIRED');
    await expectError(await gateway.signInRequest('cli-ops@example.com', reset.password), 401, 'INVALID_CREDENTIALS');

    await cli(['enable', '--username', 'cli-ops@example.com']);
    expect((await gateway.signInRequest('cli-ops@example.com', reset.password)).status).toBe(201);
    expect((await cli(['list'])).stdout).toMatch(/^cli-ops@example\.com\tCLI Ops\toperator\tcreated \S+\tenabled$/m);
  }, 60_000);
});
