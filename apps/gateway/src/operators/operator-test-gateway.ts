import { randomBytes } from 'node:crypto';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import Redis from 'ioredis';
import { startServiceApp } from '@order-saga/shared/http';
import { createTestDatabase, TestDatabase, withPgClient } from '@order-saga/shared/testing';
import { hashClientSecret } from '../oauth/client-secret';
import { OAuthClientRepository } from '../oauth/oauth-client.repository';
import { ReceivedRequest, startStubService, writeSigningKeyFile } from '../testing/stub-service';
import { OperatorAccountRepository } from './accounts/operator-account.repository';
import { Clock } from './clock';

/*
 * For the operator specs: the gateway in this process (so its Clock can be moved), on a throwaway PostgreSQL
 * database and the machine's Redis (keys of its own), in front of a stand-in order-service that answers the
 * operator routes like order-service does and records every request it gets.
 */

export const SAGA_ORDER = 'ORD-00000001';
export const ENDED_ORDER = 'ORD-00000002';

export type { ReceivedRequest } from '../testing/stub-service';

export interface SignedInSession {
  cookie: string;
  csrf: string;
  sessionId: string;
}

export interface OperatorTestGateway {
  url: string;
  app: INestApplication;
  database: TestDatabase;
  /** What the stand-in order-service was sent, oldest first; cleared by the specs as they need. */
  received: ReceivedRequest[];
  /** Settings the gateway was started with, the session key prefix among them. */
  env: Record<string, string>;
  /** The gateway's clock made manual: it reads `at()`; `advance(ms)` moves it. */
  clock: { at(): number; advance(ms: number): void; release(): void };
  /** A new enabled operator with a fresh password, written as the operators CLI writes one. */
  createOperator(displayName?: string): Promise<{ username: string; password: string }>;
  /** A token of the registered API client `shop` (scopes read write). */
  apiToken(): Promise<string>;
  /** POST /api/v1/operator/session from a client address of its own (X-Forwarded-For), so per-address limits stay apart. */
  signInRequest(username: string, password: string, headers?: Record<string, string>): Promise<Response>;
  signIn(username: string, password: string): Promise<SignedInSession>;
  gatewayRows<T>(sql: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

/** Stands in for order-service's operator routes (apps/order-service/src/sagas), answering as they answer. */
function startOrderService(received: ReceivedRequest[]): Promise<Server> {
  const actions = new Map<string, string>();
  return startStubService(received, (request, reply, { req, res }) => {
    // The services' error format, with the request id the gateway passed on.
    const error = (status: number, code: string, message: string) =>
      reply(status, { error_code: code, message, request_id: req.headers['x-request-id'], timestamp: new Date().toISOString() });
    const url = new URL(req.url ?? '/', 'http://order-service');
    const operator = req.headers['x-operator-id'];
    if (!url.pathname.startsWith('/sagas')) return error(404, 'NOT_FOUND', 'Requested resource does not exist');
    if (typeof operator !== 'string') return error(401, 'UNAUTHORIZED', 'Missing operator identity');
    const action = /^\/sagas\/([^/]+)\/(retry|cancel)$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/sagas') {
      return reply(200, { data: [], pagination: { limit: Number(url.searchParams.get('limit') ?? 20), has_more: false, next_cursor: null } });
    }
    if (req.method === 'GET' && url.pathname === `/sagas/${SAGA_ORDER}`) return reply(200, { order_id: SAGA_ORDER, state: 'PROCESSING_PAYMENT' });
    if (req.method === 'POST' && action && action[1] === ENDED_ORDER) {
      return error(409, 'SAGA_ALREADY_ENDED', 'The saga already ended in CONFIRMED: nothing left to cancel');
    }
    if (req.method === 'POST' && action && action[1] === SAGA_ORDER) {
      const { action_id: actionId, reason } = JSON.parse(request.body) as { action_id: string; reason: string };
      const first = actions.get(actionId);
      if (first !== undefined) return res.writeHead(202, { 'content-type': 'application/json', 'idempotent-replayed': 'true' }).end(first);
      const answer = JSON.stringify({
        action_id: actionId,
        action: action[2] === 'retry' ? 'retry-step' : 'cancel',
        order_id: SAGA_ORDER,
        operator_id: operator,
        reason,
      });
      actions.set(actionId, answer);
      return res.writeHead(202, { 'content-type': 'application/json' }).end(answer);
    }
    return error(404, 'NOT_FOUND', 'Requested resource does not exist');
  });
}

/** The run's rate-limit counters (kept up to a day) and sessions, off the machine's Redis. */
async function deleteKeys(patterns: string[]): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

function randomAddress(): string {
  const [a, b, c] = randomBytes(3);
  return `10.${a}.${b}.${c}`;
}

const API_CLIENT = { id: 'shop', secret: 'shop-secret-with-at-least-24-chars' };

export async function startOperatorTestGateway(settings: Record<string, string> = {}): Promise<OperatorTestGateway> {
  const received: ReceivedRequest[] = [];
  const database = await createTestDatabase('gw_operators');
  const orderService = await startOrderService(received);
  const env: Record<string, string> = {
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    JWT_SIGNING_KEYS_FILE: await writeSigningKeyFile('operators-key'),
    RATE_LIMIT_KEY_PREFIX: `gateway-operators-${randomBytes(4).toString('hex')}`,
    OPERATOR_SESSION_KEY_PREFIX: `gateway-operators-session-${randomBytes(4).toString('hex')}`,
    ORDER_SERVICE_URL: `http://127.0.0.1:${(orderService.address() as AddressInfo).port}`,
    // Not called; any URL passes config validation.
    INVENTORY_SERVICE_URL: 'http://127.0.0.1:9',
    NOTIFICATION_SERVICE_URL: 'http://127.0.0.1:9',
    // The specs' requests come from 127.0.0.1; each sign-in names an address of its own in X-Forwarded-For.
    TRUSTED_PROXY_HOPS: '1',
    ...settings,
  };
  Object.assign(process.env, env);
  // Imported only now: the config module reads and validates the environment when AppModule loads.
  const { createGatewayApp } = await import('../gateway-app');
  const app = await createGatewayApp();
  await startServiceApp(app, 0);
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  await app.get(OAuthClientRepository).register({
    clientId: API_CLIENT.id,
    secretHash: await hashClientSecret(API_CLIENT.secret),
    scopes: ['read', 'write'],
    rateLimitTier: 'standard',
  });

  const gatewayClock = app.get(Clock);
  let manual: number | undefined;
  const clock = {
    at: () => manual ?? Date.now(),
    advance: (ms: number) => {
      if (manual === undefined) {
        manual = Date.now();
        jest.spyOn(gatewayClock, 'now').mockImplementation(() => new Date(manual ?? Date.now()));
      }
      manual += ms;
    },
    release: () => {
      manual = undefined;
      jest.restoreAllMocks();
    },
  };

  const signInRequest = (username: string, password: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/v1/operator/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': randomAddress(), ...headers },
      body: JSON.stringify({ username, password }),
    });

  return {
    url,
    app,
    database,
    received,
    env,
    clock,
    async createOperator(displayName = 'Test Operator') {
      const username = `op-${randomBytes(5).toString('hex')}@example.com`;
      const password = randomBytes(18).toString('base64url');
      await app.get(OperatorAccountRepository).create({ username, passwordHash: await hashClientSecret(password), displayName });
      return { username, password };
    },
    async apiToken() {
      const response = await fetch(`${url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: API_CLIENT.id, client_secret: API_CLIENT.secret }).toString(),
      });
      if (response.status !== 200) throw new Error(`token request answered ${response.status}`);
      return ((await response.json()) as { access_token: string }).access_token;
    },
    signInRequest,
    async signIn(username, password) {
      const response = await signInRequest(username, password);
      if (response.status !== 201) throw new Error(`sign-in answered ${response.status}: ${await response.text()}`);
      const sessionId = /^operator_session=([^;]+)/.exec(response.headers.getSetCookie()[0] ?? '')?.[1];
      if (!sessionId) throw new Error('sign-in set no session cookie');
      return { cookie: `operator_session=${sessionId}`, csrf: ((await response.json()) as { csrf_token: string }).csrf_token, sessionId };
    },
    async gatewayRows<T>(sql: string, params: unknown[] = []) {
      return (await withPgClient(database.url, (client) => client.query(sql, params))).rows as T[];
    },
    async stop() {
      clock.release();
      await app?.close();
      orderService.closeAllConnections();
      await new Promise((resolve) => orderService.close(resolve));
      await database.drop();
      await deleteKeys([`${env.RATE_LIMIT_KEY_PREFIX}:*`, `${env.OPERATOR_SESSION_KEY_PREFIX}:*`]);
    },
  };
}
