import { randomBytes } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import Redis from 'ioredis';
import { startServiceApp } from '@order-saga/shared/http';
import { createTestDatabase, TestDatabase, withPgClient } from '@order-saga/shared/testing';
import { hashClientSecret } from '../oauth/client-secret';
import { OAuthClientRepository } from '../oauth/oauth-client.repository';
import { ReceivedRequest, ReplyWithJson, startNamedStubService, StubAnswer, writeSigningKeyFile } from '../testing/stub-service';
import { OperatorAccountRepository } from './accounts/operator-account.repository';
import { Clock } from './clock';

/*
 * For the operator specs: the gateway in this process (so its Clock can be moved), on a throwaway PostgreSQL
 * database and the machine's Redis (keys of its own), in front of stand-ins for the four services that answer
 * the operator routes like the services do (order-service's sagas, every service's dead letters,
 * notification-service's operator webhook routes) and record every request they get.
 */

export const SAGA_ORDER = 'ORD-00000001';
export const ENDED_ORDER = 'ORD-00000002';
/** In every stand-in: a parked dead letter, and one already redriven (any action on it is a 409). */
export const DEAD_LETTER_ID = '41';
export const SETTLED_DEAD_LETTER_ID = '42';
/** notification-service's stand-in knows one endpoint and one delivery to it. */
export const WEBHOOK_ENDPOINT = '0f3c2b1a-6d5e-4f70-8a9b-1c2d3e4f5a6b';
export const WEBHOOK_DELIVERY = '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';

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
  /** What the stand-ins were sent, oldest first, each marked with its `service`; cleared by the specs as they need. */
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

/** The services' error format, with the request id the gateway passed on. */
function errorReply(reply: ReplyWithJson, req: IncomingMessage) {
  return (status: number, code: string, message: string) =>
    reply(status, { error_code: code, message, request_id: req.headers['x-request-id'], timestamp: new Date().toISOString() });
}

/** An operator action idempotent by action id, as takeOperatorAction answers: a repeat gets the first answer, replayed. */
function answerAction(res: ServerResponse, actions: Map<string, string>, actionId: string, status: number, answer: () => object): void {
  const first = actions.get(actionId);
  if (first !== undefined) {
    res.writeHead(status, { 'content-type': 'application/json', 'idempotent-replayed': 'true' }).end(first);
    return;
  }
  const text = JSON.stringify(answer());
  actions.set(actionId, text);
  res.writeHead(status, { 'content-type': 'application/json' }).end(text);
}

const pageOf = (data: unknown[], url: URL) => ({
  data,
  pagination: { limit: Number(url.searchParams.get('limit') ?? 20), has_more: false, next_cursor: null },
});

/** Answers a service's dead-letter routes as DeadLettersModule (libs/shared/messaging) answers them. */
function deadLettersOf(service: string): StubAnswer {
  const actions = new Map<string, string>();
  const deadLetter = (id: string) => ({ id, consumer: `${service.replace(/-service$/, '')}.stand-in`, status: 'parked' });
  return (request, reply, { req, res }) => {
    const error = errorReply(reply, req);
    const url = new URL(req.url ?? '/', `http://${service}`);
    const operator = req.headers['x-operator-id'];
    if (typeof operator !== 'string') return error(401, 'UNAUTHORIZED', 'Missing operator identity');
    if (req.method === 'GET' && url.pathname === '/dead-letters') return reply(200, pageOf([deadLetter(DEAD_LETTER_ID)], url));
    if (req.method === 'GET' && url.pathname === '/dead-letters/depth') {
      return reply(200, { parked: 1, consumers: [{ consumer: deadLetter(DEAD_LETTER_ID).consumer, topic: `${service}.stand-in.v1`, parked: 1 }] });
    }
    if (req.method === 'GET' && url.pathname === `/dead-letters/${DEAD_LETTER_ID}`) return reply(200, deadLetter(DEAD_LETTER_ID));
    if (req.method !== 'POST') return error(404, 'NOT_FOUND', 'Requested resource does not exist');
    const body = JSON.parse(request.body) as { action_id: string; reason: string; consumer?: string; topic?: string };
    const taken = { action_id: body.action_id, operator_id: operator, reason: body.reason, occurred_at: new Date().toISOString() };
    if (url.pathname === '/dead-letters/redrive') {
      const { consumer = null, topic = null } = body;
      return answerAction(res, actions, body.action_id, 202, () => ({
        ...taken,
        action: 'redrive-all',
        consumer,
        topic,
        redriven: [DEAD_LETTER_ID],
        not_redriven: [],
        has_more: false,
      }));
    }
    const [, id, action] = /^\/dead-letters\/([^/]+)\/(redrive|discard)$/.exec(url.pathname) ?? [];
    if (id === SETTLED_DEAD_LETTER_ID) return error(409, 'CONFLICT', `Dead letter ${id} was already redriven by another operator`);
    if (id === DEAD_LETTER_ID) {
      return answerAction(res, actions, body.action_id, action === 'redrive' ? 202 : 200, () => ({ ...taken, action, dead_letter: deadLetter(id) }));
    }
    return error(404, 'NOT_FOUND', 'Requested resource does not exist');
  };
}

/** inventory-service and payment-service: only their dead letters are operators' business. */
function startDeadLetterService(service: string, received: ReceivedRequest[]): Promise<Server> {
  return startNamedStubService(service, received, deadLettersOf(service));
}

/** Stands in for notification-service's operator webhook routes (apps/notification-service/src/operator-webhooks) and its dead letters. */
function startNotificationService(received: ReceivedRequest[]): Promise<Server> {
  const actions = new Map<string, string>();
  const deadLetters = deadLettersOf('notification-service');
  return startNamedStubService('notification-service', received, (request, reply, raw) => {
    const { req, res } = raw;
    const error = errorReply(reply, req);
    const url = new URL(req.url ?? '/', 'http://notification-service');
    const operator = req.headers['x-operator-id'];
    if (url.pathname.startsWith('/dead-letters')) return deadLetters(request, reply, raw);
    if (typeof operator !== 'string') return error(401, 'UNAUTHORIZED', 'Missing operator identity');
    if (req.method === 'GET' && url.pathname === '/operator/webhook-endpoints') return reply(200, pageOf([{ endpoint_id: WEBHOOK_ENDPOINT }], url));
    if (req.method === 'GET' && url.pathname === '/operator/webhook-deliveries/figures') {
      return reply(200, { window_minutes: Number(url.searchParams.get('minutes') ?? 60), success_rate: 0.5 });
    }
    if (req.method === 'GET' && url.pathname === '/operator/webhook-deliveries') {
      return reply(200, pageOf([{ delivery_id: WEBHOOK_DELIVERY, order_id: url.searchParams.get('order_id') }], url));
    }
    if (req.method === 'GET' && url.pathname === `/operator/webhook-deliveries/${WEBHOOK_DELIVERY}`)
      return reply(200, { delivery_id: WEBHOOK_DELIVERY, status: 'failed' });
    if (req.method !== 'POST') return error(404, 'NOT_FOUND', 'Requested resource does not exist');
    const body = JSON.parse(request.body) as { action_id: string; reason: string; since?: string };
    const action = {
      [`/operator/webhook-deliveries/${WEBHOOK_DELIVERY}/resend`]: 'resend',
      '/operator/webhook-deliveries/resend-failed': 'resend-failed',
      [`/operator/webhook-endpoints/${WEBHOOK_ENDPOINT}/test-event`]: 'send-test-event',
    }[url.pathname];
    if (action === undefined) return error(404, 'NOT_FOUND', 'Requested resource does not exist');
    return answerAction(res, actions, body.action_id, 202, () => ({
      action_id: body.action_id,
      action,
      operator_id: operator,
      reason: body.reason,
      endpoint_id: WEBHOOK_ENDPOINT,
      client_id: 'shop',
      since: body.since ?? null,
      delivery_ids: [WEBHOOK_DELIVERY],
      occurred_at: new Date().toISOString(),
    }));
  });
}

/** Stands in for order-service's operator routes (apps/order-service/src/sagas, and its dead letters), answering as they answer. */
function startOrderService(received: ReceivedRequest[]): Promise<Server> {
  const actions = new Map<string, string>();
  const deadLetters = deadLettersOf('order-service');
  return startNamedStubService('order-service', received, (request, reply, { req, res }) => {
    // The services' error format, with the request id the gateway passed on.
    const error = (status: number, code: string, message: string) =>
      reply(status, { error_code: code, message, request_id: req.headers['x-request-id'], timestamp: new Date().toISOString() });
    const url = new URL(req.url ?? '/', 'http://order-service');
    const operator = req.headers['x-operator-id'];
    if (url.pathname.startsWith('/dead-letters')) return deadLetters(request, reply, { req, res });
    if (!url.pathname.startsWith('/sagas')) return error(404, 'NOT_FOUND', 'Requested resource does not exist');
    if (typeof operator !== 'string') return error(401, 'UNAUTHORIZED', 'Missing operator identity');
    const action = /^\/sagas\/([^/]+)\/(retry|cancel)$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/sagas') {
      return reply(200, { data: [], pagination: { limit: Number(url.searchParams.get('limit') ?? 20), has_more: false, next_cursor: null } });
    }
    if (req.method === 'GET' && url.pathname === '/sagas/figures') return reply(200, { window_minutes: Number(url.searchParams.get('minutes') ?? 60) });
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
  const standIns = {
    order: await startOrderService(received),
    inventory: await startDeadLetterService('inventory-service', received),
    payment: await startDeadLetterService('payment-service', received),
    notification: await startNotificationService(received),
  };
  const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env: Record<string, string> = {
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    JWT_SIGNING_KEYS_FILE: await writeSigningKeyFile('operators-key'),
    RATE_LIMIT_KEY_PREFIX: `gateway-operators-${randomBytes(4).toString('hex')}`,
    OPERATOR_SESSION_KEY_PREFIX: `gateway-operators-session-${randomBytes(4).toString('hex')}`,
    ORDER_SERVICE_URL: urlOf(standIns.order),
    INVENTORY_SERVICE_URL: urlOf(standIns.inventory),
    PAYMENT_SERVICE_URL: urlOf(standIns.payment),
    NOTIFICATION_SERVICE_URL: urlOf(standIns.notification),
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
      for (const standIn of Object.values(standIns)) {
        standIn.closeAllConnections();
        await new Promise((resolve) => standIn.close(resolve));
      }
      await database.drop();
      await deleteKeys([`${env.RATE_LIMIT_KEY_PREFIX}:*`, `${env.OPERATOR_SESSION_KEY_PREFIX}:*`]);
    },
  };
}
