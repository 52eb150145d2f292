import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { startServiceApp } from '@order-saga/shared/http';
import { pollUntil, withPgClient } from '@order-saga/shared/testing';
import { Client } from 'pg';
import { hashClientSecret } from '../oauth/client-secret';
import { OAuthClientRepository } from '../oauth/oauth-client.repository';
import { addKey } from '../oauth/signing-keys/signing-keys';

/**
 * Admission control: the gateway (real PostgreSQL for its clients, real Redis for rate limits) in
 * front of a stand-in service that holds chosen requests until the test releases them, so "N calls
 * in flight" is a state the test sets up and observes, not a race it hopes to win.
 */

const POSTGRES = 'postgres://postgres@127.0.0.1:5432';
const DATABASE = `${process.env.ORDER_SAGA_TEST_DB_PREFIX ?? 'order_saga_test'}_gw_admission_${randomBytes(4).toString('hex')}`;
const MAX_ORDERS_IN_FLIGHT = 3;
const MAX_IN_FLIGHT_PER_SERVICE = 2;
const ORDERS_WRITE_PER_MINUTE = 1000;
const CLIENT_SECRET = 'admission-secret-with-at-least-24-chars';
const ORDER = JSON.stringify({ customer_id: 'CUST-12345', items: [{ product_id: 'SKU-001', quantity: 1 }] });

interface HeldRequest {
  route: string;
  /** Answers the held request as the service would have. */
  release(): void;
}

/** Requests the stand-in is holding, oldest first; a released one leaves the list. */
const held: HeldRequest[] = [];
/** `METHOD /path` of every request that reached the stand-in, held or not. */
const seen: string[] = [];
let connectionsAccepted = 0;
let upstream: Server;
let app: INestApplication;
let gatewayUrl: string;
let clientCount = 0;

function json(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
}

/**
 * Stands in for order-service and inventory-service at once (two base URLs, one server): order
 * placements and GET /orders/ORD-HELD wait for the test; other known reads answer at once.
 */
function startUpstream(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const route = `${req.method} ${req.url}`;
      seen.push(route);
      if (route === 'POST /orders') {
        holdUntilReleased(route, () => json(res, 201, { order_id: 'ORD-00000001', status: 'confirmed' }));
      } else if (route === 'GET /orders/ORD-HELD') {
        holdUntilReleased(route, () => json(res, 200, { order_id: 'ORD-HELD', status: 'pending' }));
      } else if (route === 'GET /orders/ORD-00000001') {
        json(res, 200, { order_id: 'ORD-00000001', status: 'confirmed' });
      } else if (route === 'GET /products/SKU-001') {
        json(res, 200, { product_id: 'SKU-001' });
      } else {
        json(res, 404, { error_code: 'NOT_FOUND', message: 'Requested resource does not exist' });
      }
    });
  });
  server.on('connection', () => (connectionsAccepted += 1));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function holdUntilReleased(route: string, answer: () => void): void {
  const request: HeldRequest = {
    route,
    release: () => {
      held.splice(held.indexOf(request), 1);
      answer();
    },
  };
  held.push(request);
}

function heldRoutes(route: string): HeldRequest[] {
  return held.filter((request) => request.route === route);
}

async function waitUntilHeld(route: string, count: number): Promise<void> {
  await pollUntil(async () => (heldRoutes(route).length >= count ? true : undefined), {
    intervalMs: 10,
    description: `${count} × ${route} held by the stand-in`,
  });
}

const withClient = <T>(database: string, work: (client: Client) => Promise<T>): Promise<T> => withPgClient(`${POSTGRES}/${database}`, work);

/** A client of its own per test, so each test starts with fresh rate-limit windows. */
async function newClientToken(): Promise<string> {
  clientCount += 1;
  const clientId = `admission-${clientCount}`;
  await app
    .get(OAuthClientRepository)
    .register({ clientId, secretHash: await hashClientSecret(CLIENT_SECRET), scopes: ['read', 'write'], rateLimitTier: 'standard' });
  const response = await fetch(`${gatewayUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: CLIENT_SECRET }).toString(),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

function placeOrder(token: string): Promise<Response> {
  return fetch(`${gatewayUrl}/api/v1/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: ORDER,
  });
}

function get(token: string, path: string): Promise<Response> {
  return fetch(`${gatewayUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
}

async function expectShed(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('1');
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual({
    error_code: 'SERVICE_UNAVAILABLE',
    message: expect.any(String),
    request_id: response.headers.get('x-request-id'),
    timestamp: expect.any(String),
  });
}

/** A sample of the gateway's /metrics, e.g. order_saga_upstream_in_flight for limit="orders-write". */
async function metric(name: string, limit: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const sample = text.split('\n').find((line) => line.startsWith(`${name}{`) && line.includes(`limit="${limit}"`));
  if (sample === undefined) throw new Error(`no ${name} sample for limit="${limit}" in /metrics`);
  return Number(sample.slice(sample.lastIndexOf(' ') + 1));
}

beforeAll(async () => {
  await withClient('postgres', (client) => client.query(`CREATE DATABASE ${DATABASE}`));
  upstream = await startUpstream();
  const keysFile = join(mkdtempSync(join(tmpdir(), 'gateway-admission-')), 'keys.json');
  writeFileSync(keysFile, JSON.stringify(await addKey(undefined, 'admission-key')));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: `${POSTGRES}/${DATABASE}`,
    JWT_SIGNING_KEYS_FILE: keysFile,
    RATE_LIMIT_KEY_PREFIX: `gateway-admission-${randomBytes(4).toString('hex')}`,
    RATE_LIMIT_ORDERS_WRITE_PER_MINUTE: String(ORDERS_WRITE_PER_MINUTE),
    ORDER_SERVICE_URL: upstreamUrl,
    INVENTORY_SERVICE_URL: upstreamUrl,
    NOTIFICATION_SERVICE_URL: 'http://127.0.0.1:9',
    PAYMENT_SERVICE_URL: 'http://127.0.0.1:9',
    UPSTREAM_MAX_IN_FLIGHT_ORDERS_WRITE: String(MAX_ORDERS_IN_FLIGHT),
    UPSTREAM_MAX_IN_FLIGHT_PER_SERVICE: String(MAX_IN_FLIGHT_PER_SERVICE),
  });
  // Imported only now: the config module reads and validates the environment when AppModule loads.
  const { createGatewayApp } = await import('../gateway-app');
  app = await createGatewayApp();
  await startServiceApp(app, 0);
  gatewayUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  for (const request of [...held]) request.release();
  await app?.close();
  upstream?.closeAllConnections();
  await new Promise((resolve) => (upstream ? upstream.close(resolve) : resolve(undefined)));
  await withClient('postgres', (client) => client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
});

beforeEach(() => {
  seen.length = 0;
});

afterEach(() => {
  // A failed test must not leave slots taken for the next one.
  for (const request of [...held]) request.release();
});

describe('in-flight limit of order placement', () => {
  it(`answers order ${MAX_ORDERS_IN_FLIGHT + 1} with 503 SERVICE_UNAVAILABLE and Retry-After at once while ${MAX_ORDERS_IN_FLIGHT} are in flight, without calling order-service, and admits a new order once one is released`, async () => {
    const token = await newClientToken();
    const connectionsBefore = connectionsAccepted;
    const shedBefore = await metric('order_saga_upstream_shed_total', 'orders-write');
    const admitted = Array.from({ length: MAX_ORDERS_IN_FLIGHT }, () => placeOrder(token));
    await waitUntilHeld('POST /orders', MAX_ORDERS_IN_FLIGHT);
    expect(await metric('order_saga_upstream_in_flight', 'orders-write')).toBe(MAX_ORDERS_IN_FLIGHT);

    const refused = await placeOrder(token);

    await expectShed(refused);
    expect(seen.filter((route) => route === 'POST /orders')).toHaveLength(MAX_ORDERS_IN_FLIGHT);
    expect(await metric('order_saga_upstream_shed_total', 'orders-write')).toBe(shedBefore + 1);

    heldRoutes('POST /orders')[0].release();
    // Only the released order can answer; once it has, its slot is free (freed before the answer is written).
    expect((await Promise.race(admitted)).status).toBe(201);
    const next = placeOrder(token);
    await waitUntilHeld('POST /orders', MAX_ORDERS_IN_FLIGHT);
    expect(seen.filter((route) => route === 'POST /orders')).toHaveLength(MAX_ORDERS_IN_FLIGHT + 1);

    for (const request of heldRoutes('POST /orders')) request.release();
    const answers = await Promise.all([...admitted, next]);
    expect(answers.map((response) => response.status)).toEqual(Array(MAX_ORDERS_IN_FLIGHT + 1).fill(201));
    expect(await metric('order_saga_upstream_in_flight', 'orders-write')).toBe(0);
    // Keep-alive: the admitted order after the release went out on the connection the released one freed.
    expect(connectionsAccepted - connectionsBefore).toBeLessThanOrEqual(MAX_ORDERS_IN_FLIGHT);
  });

  it('charges a refused order to the client rate limit like any other (tokens are not given back)', async () => {
    const token = await newClientToken();
    const admitted = Array.from({ length: MAX_ORDERS_IN_FLIGHT }, () => placeOrder(token));
    await waitUntilHeld('POST /orders', MAX_ORDERS_IN_FLIGHT);

    const refused = await placeOrder(token);

    expect(refused.status).toBe(503);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe(String(ORDERS_WRITE_PER_MINUTE - (MAX_ORDERS_IN_FLIGHT + 1)));
    for (const request of heldRoutes('POST /orders')) request.release();
    await Promise.all(admitted);
    const after = placeOrder(token);
    await waitUntilHeld('POST /orders', 1);
    heldRoutes('POST /orders')[0].release();
    expect((await after).status).toBe(201);
    expect((await after).headers.get('x-ratelimit-remaining')).toBe(String(ORDERS_WRITE_PER_MINUTE - (MAX_ORDERS_IN_FLIGHT + 2)));
  });

  it('keeps relaying order reads and product reads while placements are at their limit', async () => {
    const token = await newClientToken();
    const admitted = Array.from({ length: MAX_ORDERS_IN_FLIGHT }, () => placeOrder(token));
    await waitUntilHeld('POST /orders', MAX_ORDERS_IN_FLIGHT);

    const order = await get(token, '/orders/ORD-00000001');
    const product = await get(token, '/products/SKU-001');

    expect(order.status).toBe(200);
    expect(product.status).toBe(200);
    for (const request of heldRoutes('POST /orders')) request.release();
    expect((await Promise.all(admitted)).map((response) => response.status)).toEqual(Array(MAX_ORDERS_IN_FLIGHT).fill(201));
  });
});

describe('in-flight limit of each service', () => {
  it(`sheds order-service's other calls past ${MAX_IN_FLIGHT_PER_SERVICE} in flight, while inventory-service's calls and order placement still go through`, async () => {
    const token = await newClientToken();
    const heldReads = Array.from({ length: MAX_IN_FLIGHT_PER_SERVICE }, () => get(token, '/orders/ORD-HELD'));
    await waitUntilHeld('GET /orders/ORD-HELD', MAX_IN_FLIGHT_PER_SERVICE);

    const refused = await get(token, '/orders/ORD-00000001');
    const product = await get(token, '/products/SKU-001');
    const placement = placeOrder(token);
    await waitUntilHeld('POST /orders', 1);

    await expectShed(refused);
    expect(seen).not.toContain('GET /orders/ORD-00000001');
    expect(product.status).toBe(200);
    expect(await metric('order_saga_upstream_in_flight', 'order-service')).toBe(MAX_IN_FLIGHT_PER_SERVICE);
    for (const request of [...held]) request.release();
    expect((await Promise.all(heldReads)).map((response) => response.status)).toEqual(Array(MAX_IN_FLIGHT_PER_SERVICE).fill(200));
    expect((await placement).status).toBe(201);
  });
});
