import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { startServiceApp } from '@order-saga/shared/http';
import { withPgClient } from '@order-saga/shared/testing';
import { CryptoKey, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { AccessTokens, InvalidAccessTokenError } from '../access-tokens';
import { addKey, signingKeySetOf } from '../signing-keys/signing-keys';
import { ExternalIdpSettings, parseScopeMap } from './external-idp';

/**
 * The gateway, booted with EXTERNAL_IDP_* settings, against a local identity provider: a real HTTP
 * JWKS server in this process whose key the tests rotate, and a stand-in order-service.
 */

const POSTGRES = 'postgres://postgres@127.0.0.1:5432';
const DATABASE = `gateway_idp_it_${randomBytes(6).toString('hex')}`;
const ISSUER = 'https://idp.example.test/realms/shop';
const AUDIENCE = 'order-saga-api';
const ALGORITHM = 'RS256';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** The identity provider's side: its keys, the JWKS it publishes, and how often that was fetched. */
class LocalIdentityProvider {
  readonly published: SigningKey[] = [];
  signingKey: SigningKey;
  jwksFetches = 0;
  failing = false;
  server: Server;

  get jwksUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/protocol/openid-connect/certs`;
  }

  async start(): Promise<void> {
    this.signingKey = await newKey('key-1');
    this.published.push(this.signingKey);
    this.server = createServer((req, res) => {
      this.jwksFetches += 1;
      if (this.failing) {
        res.writeHead(500).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.published.map((key) => key.publicJwk) }));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  /** As a provider rotates: publish the new key next to the old one, then sign with the new one. */
  async rotate(kid: string): Promise<void> {
    this.signingKey = await newKey(kid);
    this.published.push(this.signingKey);
  }

  withdraw(kid: string): void {
    this.published.splice(
      this.published.findIndex((key) => key.kid === kid),
      1,
    );
  }

  token(claims: Record<string, unknown> = {}, options: { key?: SigningKey; issuer?: string; audience?: string; expiresAt?: number } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const key = options.key ?? this.signingKey;
    return new SignJWT({ azp: 'shop-app', scope: 'openid orders:read orders:write', ...claims })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT', kid: key.kid })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setSubject('service-account-shop-app')
      .setIssuedAt(now)
      .setExpirationTime(options.expiresAt ?? now + 300)
      .sign(key.privateKey);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }
}

async function newKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM);
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: 'sig' } };
}

const idp = new LocalIdentityProvider();
const upstreamClientIds: (string | undefined)[] = [];
let orderService: Server;
let app: INestApplication;
let gatewayUrl: string;

function startOrderService(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      upstreamClientIds.push(header(req.headers, 'x-client-id'));
      const created = req.method === 'POST' && req.url === '/orders';
      res.writeHead(created ? 201 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ order_id: 'ORD-00000001', status: 'confirmed' }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function getOrder(token: string): Promise<Response> {
  return fetch(`${gatewayUrl}/api/v1/orders/ORD-00000001`, { headers: { authorization: `Bearer ${token}` } });
}

function placeOrder(token: string): Promise<Response> {
  return fetch(`${gatewayUrl}/api/v1/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ customer_id: 'CUST-12345', items: [{ product_id: 'SKU-001', quantity: 2 }] }),
  });
}

/** The seed's 401: `{error_code: UNAUTHORIZED, message: "Invalid or expired access token"}`, with request id and timestamp. */
async function expectUnauthorized(response: Response, description: string): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="order-saga", error="invalid_token", error_description="${description}"`);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ error_code: 'UNAUTHORIZED', message: 'Invalid or expired access token', request_id: response.headers.get('x-request-id') });
  expect(new Date(body.timestamp as string).toISOString()).toBe(body.timestamp);
}

beforeAll(async () => {
  await withPgClient(`${POSTGRES}/postgres`, (client) => client.query(`CREATE DATABASE ${DATABASE}`));
  await idp.start();
  orderService = await startOrderService();
  const keyFile = join(mkdtempSync(join(tmpdir(), 'gateway-idp-it-')), 'keys.json');
  writeFileSync(keyFile, JSON.stringify(await addKey(undefined, 'own-key')));
  Object.assign(process.env, {
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: `${POSTGRES}/${DATABASE}`,
    JWT_SIGNING_KEYS_FILE: keyFile,
    RATE_LIMIT_KEY_PREFIX: `gateway-idp-it-${randomBytes(4).toString('hex')}`,
    ORDER_SERVICE_URL: `http://127.0.0.1:${(orderService.address() as AddressInfo).port}`,
    INVENTORY_SERVICE_URL: 'http://127.0.0.1:9',
    NOTIFICATION_SERVICE_URL: 'http://127.0.0.1:9',
    PAYMENT_SERVICE_URL: 'http://127.0.0.1:9',
    EXTERNAL_IDP_JWKS_URL: idp.jwksUrl,
    EXTERNAL_IDP_ISSUER: ISSUER,
    EXTERNAL_IDP_AUDIENCE: AUDIENCE,
    EXTERNAL_IDP_SCOPE_MAP: 'orders:read=read,orders:write=write',
    // No cooldown, so a rotated key is fetched on the first token that names it (the default waits 30 s).
    EXTERNAL_IDP_JWKS_COOLDOWN_MS: '0',
  });
  // Imported only now: the config module reads and validates the environment when AppModule loads.
  const { createGatewayApp } = await import('../../gateway-app');
  app = await createGatewayApp();
  await startServiceApp(app, 0);
  gatewayUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await app?.close();
  orderService?.closeAllConnections();
  await new Promise((resolve) => (orderService ? orderService.close(resolve) : resolve(undefined)));
  await idp.stop();
  await withPgClient(`${POSTGRES}/postgres`, (client) => client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
});

beforeEach(() => {
  upstreamClientIds.length = 0;
  idp.failing = false;
});

describe('a gateway trusting an external identity provider', () => {
  it('accepts a provider token with its mapped scopes, on behalf of the prefixed client', async () => {
    const response = await placeOrder(await idp.token());

    expect(response.status).toBe(201);
    expect(upstreamClientIds).toEqual(['idp:shop-app']);
  });

  it('grants only what the scope map maps: a provider read scope cannot place an order', async () => {
    const token = await idp.token({ scope: 'openid orders:read write' });

    expect((await getOrder(token)).status).toBe(200);
    const refused = await placeOrder(token);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error_code: 'FORBIDDEN' });
  });

  it('accepts tokens signed with a rotated key without a restart, fetching the JWKS again', async () => {
    const fetchesBefore = idp.jwksFetches;
    await idp.rotate(`key-${randomBytes(4).toString('hex')}`);

    const response = await placeOrder(await idp.token());

    expect(response.status).toBe(201);
    expect(idp.jwksFetches).toBe(fetchesBefore + 1);
  });

  it('refuses a token signed by a key the provider never published with 401 in the error format', async () => {
    const stranger = await newKey('key-never-published');

    await expectUnauthorized(await getOrder(await idp.token({}, { key: stranger })), 'The access token is invalid');
  });

  it('refuses a token signed with a published kid but another key', async () => {
    const impostor = { ...(await newKey('x')), kid: idp.signingKey.kid };

    await expectUnauthorized(await getOrder(await idp.token({}, { key: impostor })), 'The access token is invalid');
  });

  it('refuses a provider-signed token of another issuer', async () => {
    await expectUnauthorized(await getOrder(await idp.token({}, { issuer: 'https://idp.example.test/realms/other' })), 'The access token is invalid');
  });

  it('refuses a provider-signed token for another audience', async () => {
    await expectUnauthorized(await getOrder(await idp.token({}, { audience: 'account' })), 'The access token is invalid');
  });

  it('refuses an expired provider token', async () => {
    const token = await idp.token({}, { expiresAt: Math.floor(Date.now() / 1000) - 60 });

    await expectUnauthorized(await getOrder(token), 'The access token expired');
  });

  it('still accepts tokens from its own token endpoint', async () => {
    const { token } = await app.get(AccessTokens).issue('shop', ['read']);

    expect((await getOrder(token)).status).toBe(200);
    expect(upstreamClientIds).toEqual(['shop']);
  });

  it('answers 503 with Retry-After, not 401, when the JWKS cannot be fetched', async () => {
    idp.failing = true;
    // A kid the gateway has not seen makes it fetch the JWKS again.
    const unseen = await newKey(`key-${randomBytes(4).toString('hex')}`);

    const response = await getOrder(await idp.token({}, { key: unseen }));

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ error_code: 'SERVICE_UNAVAILABLE' });
  });
});

describe('the external key set', () => {
  function settings(overrides: Partial<ExternalIdpSettings>): ExternalIdpSettings {
    return {
      jwksUrl: idp.jwksUrl,
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: [ALGORITHM],
      scopeClaim: 'scope',
      scopeMap: parseScopeMap('orders:read=read') as Map<string, 'read'>,
      clientIdPrefix: 'idp:',
      jwksCooldownMs: 0,
      jwksCacheMaxAgeMs: 600_000,
      jwksTimeoutMs: 2000,
      ...overrides,
    };
  }

  async function tokensTrusting(external: ExternalIdpSettings): Promise<AccessTokens> {
    return new AccessTokens({
      issuer: 'order-saga-gateway',
      audience: AUDIENCE,
      ttlSeconds: 3600,
      keys: await signingKeySetOf(await addKey(undefined, 'own')),
      external,
    });
  }

  it('within the cooldown, refuses unknown kids without asking the provider again', async () => {
    const tokens = await tokensTrusting(settings({ jwksCooldownMs: 600_000 }));
    await tokens.verify(await idp.token());
    const fetches = idp.jwksFetches;

    for (const kid of ['made-up-1', 'made-up-2', 'made-up-3']) {
      await expect(tokens.verify(await idp.token({}, { key: await newKey(kid) }))).rejects.toThrow(InvalidAccessTokenError);
    }
    expect(idp.jwksFetches).toBe(fetches);
  });

  it('stops accepting a remembered token once its key is withdrawn and the cache age has passed', async () => {
    const tokens = await tokensTrusting(settings({ jwksCacheMaxAgeMs: 1000 }));
    const kid = `key-${randomBytes(4).toString('hex')}`;
    await idp.rotate(kid);
    const token = await idp.token();
    await expect(tokens.verify(token)).resolves.toMatchObject({ clientId: 'idp:shop-app', scope: 'read' });

    idp.withdraw(kid);
    // jose ages its cache by the wall clock, so this waits for that, polling with a deadline.
    const deadline = Date.now() + 10_000;
    let outcome: unknown;
    while (Date.now() < deadline) {
      outcome = await tokens.verify(token).catch((error: unknown) => error);
      if (outcome instanceof InvalidAccessTokenError) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(outcome).toBeInstanceOf(InvalidAccessTokenError);
  });
});
