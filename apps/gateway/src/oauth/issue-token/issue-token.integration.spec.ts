import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { INestApplication } from '@nestjs/common';
import { startServiceApp } from '@order-saga/shared/http';
import { withPgClient } from '@order-saga/shared/testing';
import { Client } from 'pg';
import { hashClientSecret } from '../client-secret';
import { OAuthClientRepository } from '../oauth-client.repository';
import { SecretCheckGate } from '../secret-check-gate';
import { ReceivedRequest, startStubService, writeSigningKeyFile } from '../../testing/stub-service';

/**
 * The gateway against a real PostgreSQL (a throwaway database) and a stand-in order-service on a
 * local port that records what it was sent.
 */

const POSTGRES = 'postgres://postgres@127.0.0.1:5432';
const DATABASE = `gateway_it_${randomBytes(6).toString('hex')}`;
const REPO_ROOT = join(__dirname, '..', '..', '..', '..', '..');
const UPSTREAM_TIMEOUT_MS = 1000;
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const received: ReceivedRequest[] = [];
let orderService: Server;
let app: INestApplication;
let gatewayUrl: string;
const secrets = { shop: 'shop-secret-with-at-least-24-chars', reader: 'reader-secret-with-at-least-24-chars' };

/** Stands in for order-service: answers like it would and keeps every request for the assertions. */
function startOrderService(): Promise<Server> {
  return startStubService(received, (request, reply) => {
    if (request.method === 'POST' && request.url === '/orders') {
      const order = JSON.parse(request.body) as { customer_id?: string };
      if (order.customer_id === 'CUST-SLOW') {
        setTimeout(() => reply(201, { order_id: 'ORD-SLOW' }), UPSTREAM_TIMEOUT_MS * 3).unref();
        return;
      }
      reply(201, { order_id: 'ORD-00000001', status: 'confirmed', total_amount: 59.98 }, { location: '/api/v1/orders/ORD-00000001' });
    } else if (request.method === 'GET' && request.url === '/orders/ORD-00000001') {
      reply(200, { order_id: 'ORD-00000001', status: 'confirmed' });
    } else if (request.method === 'GET' && request.url === '/orders/ORD-00000001/track') {
      reply(200, { order_id: 'ORD-00000001', events: [{ status: 'confirmed' }] });
    } else {
      reply(404, { error_code: 'NOT_FOUND', message: 'Requested resource does not exist' });
    }
  });
}

const withClient = <T>(database: string, work: (client: Client) => Promise<T>): Promise<T> => withPgClient(`${POSTGRES}/${database}`, work);

const admin = <T>(work: (client: Client) => Promise<T>): Promise<T> => withClient('postgres', work);

async function gatewayDatabase(work: (client: Client) => Promise<{ rows: Record<string, unknown>[] }>): Promise<Record<string, unknown>[]> {
  return (await withClient(DATABASE, work)).rows;
}

function tokenRequest(form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gatewayUrl}/oauth/token`, { method: 'POST', headers: { ...FORM, ...headers }, body: new URLSearchParams(form).toString() });
}

function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

async function accessToken(clientId: keyof typeof secrets, scope?: string): Promise<string> {
  const response = await tokenRequest({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: secrets[clientId],
    ...(scope ? { scope } : {}),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

function placeOrder(
  headers: Record<string, string>,
  body = JSON.stringify({ customer_id: 'CUST-12345', items: [{ product_id: 'SKU-001', quantity: 2 }] }),
): Promise<Response> {
  return fetch(`${gatewayUrl}/api/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

/** The spec's error format, with the request id the gateway answered with. */
async function expectApiError(response: Response, status: number, errorCode: string): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ error_code: errorCode, message: expect.any(String), request_id: response.headers.get('x-request-id') });
  expect(body.request_id).toEqual(expect.stringMatching(/.+/));
  expect(new Date(body.timestamp as string).toISOString()).toBe(body.timestamp);
  return body;
}

beforeAll(async () => {
  await admin((client) => client.query(`CREATE DATABASE ${DATABASE}`));
  orderService = await startOrderService();
  Object.assign(process.env, {
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: `${POSTGRES}/${DATABASE}`,
    JWT_SIGNING_KEYS_FILE: await writeSigningKeyFile('it-key'),
    RATE_LIMIT_KEY_PREFIX: `gateway-it-${randomBytes(4).toString('hex')}`,
    ORDER_SERVICE_URL: `http://127.0.0.1:${(orderService.address() as AddressInfo).port}`,
    // Not called by these tests; any URL passes config validation.
    INVENTORY_SERVICE_URL: 'http://127.0.0.1:9',
    NOTIFICATION_SERVICE_URL: 'http://127.0.0.1:9',
    PAYMENT_SERVICE_URL: 'http://127.0.0.1:9',
    UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
  });
  // Imported only now: the config module reads and validates the environment when AppModule loads.
  const { createGatewayApp } = await import('../../gateway-app');
  app = await createGatewayApp();
  await startServiceApp(app, 0);
  gatewayUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

  const clients = app.get(OAuthClientRepository);
  await clients.register({ clientId: 'shop', secretHash: await hashClientSecret(secrets.shop), scopes: ['read', 'write'], rateLimitTier: 'standard' });
  await clients.register({ clientId: 'reader', secretHash: await hashClientSecret(secrets.reader), scopes: ['read'], rateLimitTier: 'standard' });
}, 60_000);

afterAll(async () => {
  await app?.close();
  orderService?.closeAllConnections();
  await new Promise((resolve) => (orderService ? orderService.close(resolve) : resolve(undefined)));
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
});

beforeEach(() => {
  received.length = 0;
});

describe('POST /oauth/token', () => {
  it('issues a token to a client that authenticates in the form body, with all its scopes', async () => {
    const response = await tokenRequest({ grant_type: 'client_credentials', client_id: 'shop', client_secret: secrets.shop });

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    expect(await response.json()).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'read write',
    });
  });

  it('issues a token to a client that authenticates with HTTP Basic, narrowed to the scope it asked for', async () => {
    const response = await tokenRequest({ grant_type: 'client_credentials', scope: 'read' }, { authorization: basic('shop', secrets.shop) });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'Bearer', scope: 'read' });
  });

  it('refuses a wrong secret with 401 invalid_client and a Basic challenge', async () => {
    const response = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic('shop', 'not-the-secret') });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="order-saga"');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
  });

  it('refuses an unknown client exactly like a wrong secret', async () => {
    const response = await tokenRequest({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: secrets.shop });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
  });

  it('refuses a scope the client was not registered with as invalid_scope', async () => {
    const response = await tokenRequest({ grant_type: 'client_credentials', client_id: 'reader', client_secret: secrets.reader, scope: 'write' });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('refuses another grant type as unsupported_grant_type', async () => {
    const response = await tokenRequest({ grant_type: 'password', client_id: 'shop', client_secret: secrets.shop });

    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('refuses a JSON token request as invalid_request', async () => {
    const response = await fetch(`${gatewayUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'shop', client_secret: secrets.shop }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('issues a token to a client registered with the CLI, using the secret the CLI printed once', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', './tools/register.js', 'apps/gateway/src/oauth/register-client.cli.ts', '--client-id', 'cli-client', '--scopes', 'read'],
      { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: `${POSTGRES}/${DATABASE}` } },
    );
    const printed = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => line.split('=', 2) as [string, string]),
    );
    expect(printed).toEqual({ client_id: 'cli-client', client_secret: expect.stringMatching(/^[\w-]{43}$/), scope: 'read', rate_limit_tier: 'standard' });

    const [stored] = await gatewayDatabase((client) => client.query('SELECT secret_hash, scopes FROM oauth_client WHERE client_id = $1', ['cli-client']));
    expect(stored.secret_hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/);
    expect(stored.secret_hash).not.toContain(printed.client_secret);
    expect(stored.scopes).toEqual(['read']);

    const response = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic('cli-client', printed.client_secret) });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ scope: 'read' });
  }, 30_000);

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After, checking no secret, while every secret check slot runs and the queue is full', async () => {
    const gate = app.get(SecretCheckGate);
    let open!: () => void;
    const held = new Promise<boolean>((resolve) => (open = () => resolve(true)));
    // What a flood of token requests would leave: every slot running, every queue place taken.
    const occupying = Array.from({ length: gate.running + gate.waiting }, () => gate.run(() => held));
    try {
      const refused = await tokenRequest({ grant_type: 'client_credentials', client_id: 'shop', client_secret: secrets.shop });

      expect(refused.headers.get('retry-after')).toBe('1');
      await expectApiError(refused, 503, 'SERVICE_UNAVAILABLE');
    } finally {
      open();
      await Promise.all(occupying);
    }

    const afterwards = await tokenRequest({ grant_type: 'client_credentials', client_id: 'shop', client_secret: secrets.shop });
    expect(afterwards.status).toBe(200);
  });
});

describe('/api/v1/orders', () => {
  it('answers POST /api/v1/orders without a token with 401 UNAUTHORIZED and a Bearer challenge', async () => {
    const response = await placeOrder({});

    await expectApiError(response, 401, 'UNAUTHORIZED');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="order-saga"');
    expect(received).toHaveLength(0);
  });

  it('answers a tampered token with 401 invalid_token', async () => {
    const token = await accessToken('shop');
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'shop', client_id: 'shop', scope: 'read write admin' })).toString('base64url');

    const response = await placeOrder({ authorization: `Bearer ${header}.${payload}.${signature}` });

    const body = await expectApiError(response, 401, 'UNAUTHORIZED');
    expect(body.message).toBe('Invalid or expired access token');
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(received).toHaveLength(0);
  });

  it('answers POST /api/v1/orders with a read-only token with 403 FORBIDDEN insufficient_scope', async () => {
    const response = await placeOrder({ authorization: `Bearer ${await accessToken('reader')}` });

    await expectApiError(response, 403, 'FORBIDDEN');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="order-saga", error="insufficient_scope", scope="write"');
    expect(received).toHaveLength(0);
  });

  it('proxies POST /api/v1/orders with a write token, vouching for the client, request and trace', async () => {
    const order = '{"customer_id":"CUST-12345","items":[{"product_id":"SKU-001","quantity":2,"unit_price":29.99}]}';

    const response = await placeOrder(
      { authorization: `Bearer ${await accessToken('shop', 'write')}`, 'x-request-id': 'req-it-0001', traceparent: TRACEPARENT, 'x-idempotency-key': 'abc123' },
      order,
    );

    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/api/v1/orders/ORD-00000001');
    expect(response.headers.get('x-request-id')).toBe('req-it-0001');
    expect(await response.json()).toEqual({ order_id: 'ORD-00000001', status: 'confirmed', total_amount: 59.98 });
    expect(received).toHaveLength(1);
    const [upstream] = received;
    expect(upstream).toMatchObject({ method: 'POST', url: '/orders', body: order });
    expect(upstream.headers).toMatchObject({
      'content-type': 'application/json',
      'x-client-id': 'shop',
      'x-request-id': 'req-it-0001',
      'x-idempotency-key': 'abc123',
    });
    // Same trace; the span id may be the gateway's own (a W3C child span of the client's).
    expect(upstream.headers.traceparent).toMatch(new RegExp(`^00-${TRACEPARENT.split('-')[1]}-[0-9a-f]{16}-01$`));
    expect(upstream.headers.authorization).toBeUndefined();
  });

  it('gives order-service a request id and a new trace when the client sent neither', async () => {
    const response = await placeOrder({ authorization: `Bearer ${await accessToken('shop')}`, traceparent: 'not-a-traceparent' });

    expect(response.status).toBe(201);
    const [upstream] = received;
    expect(upstream.headers['x-request-id']).toBe(response.headers.get('x-request-id'));
    expect(upstream.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(upstream.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(upstream.headers['x-idempotency-key']).toBeUndefined();
  });

  it('answers malformed JSON with 400 VALIDATION_ERROR without calling order-service', async () => {
    const response = await placeOrder({ authorization: `Bearer ${await accessToken('shop')}` }, '{"customer_id":');

    await expectApiError(response, 400, 'VALIDATION_ERROR');
    expect(received).toHaveLength(0);
  });

  it('relays GET /api/v1/orders/:orderId and its /track with a read token', async () => {
    const headers = { authorization: `Bearer ${await accessToken('reader')}` };

    const order = await fetch(`${gatewayUrl}/api/v1/orders/ORD-00000001`, { headers });
    const tracking = await fetch(`${gatewayUrl}/api/v1/orders/ORD-00000001/track`, { headers });
    const missing = await fetch(`${gatewayUrl}/api/v1/orders/ORD-404`, { headers });

    expect(order.status).toBe(200);
    expect(await order.json()).toEqual({ order_id: 'ORD-00000001', status: 'confirmed' });
    expect(tracking.status).toBe(200);
    expect(await tracking.json()).toEqual({ order_id: 'ORD-00000001', events: [{ status: 'confirmed' }] });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error_code: 'NOT_FOUND' });
    expect(received.map((request) => `${request.method} ${request.url} ${String(request.headers['x-client-id'])}`)).toEqual([
      'GET /orders/ORD-00000001 reader',
      'GET /orders/ORD-00000001/track reader',
      'GET /orders/ORD-404 reader',
    ]);
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After when order-service does not answer in time', async () => {
    const response = await placeOrder(
      { authorization: `Bearer ${await accessToken('shop')}` },
      JSON.stringify({ customer_id: 'CUST-SLOW', items: [{ product_id: 'SKU-001', quantity: 1 }] }),
    );

    await expectApiError(response, 503, 'SERVICE_UNAVAILABLE');
    expect(response.headers.get('retry-after')).toBe('5');
  });

  // Last: it takes the stand-in order-service down for good.
  it('answers 503 SERVICE_UNAVAILABLE with Retry-After when order-service is down', async () => {
    const token = await accessToken('shop');
    orderService.closeAllConnections();
    await new Promise((resolve) => orderService.close(resolve));

    const response = await placeOrder({ authorization: `Bearer ${token}` });

    await expectApiError(response, 503, 'SERVICE_UNAVAILABLE');
    expect(response.headers.get('retry-after')).toBe('5');
  });
});

describe('health', () => {
  it('is ready while its database answers', async () => {
    const response = await fetch(`${gatewayUrl}/health/ready`);

    expect(response.status).toBe(200);
  });
});
