import { copyFileSync } from 'node:fs';
import { RunningService } from '@order-saga/infra';
import { clientCredentialsToken } from '@order-saga/shared/testing';
import { dataFile, expectSeedError, registerClient, send, signingKeys, startExtraGateway, stopService } from './support/edge';
import { accessTokenClaims, es256, gatewaySigningKey, strangerKey, unsigned } from './support/jwt-forge';

/**
 * The token endpoint (RFC 6749 client credentials, RFC 9068 JWTs signed ES256), the JWKS, every
 * token attack at /api/v1 (401 invalid_token), scopes (403 insufficient_scope), and a signing-key
 * rotation carried out with the CLI across gateway processes.
 */
const gateway = () => process.env.E2E_GATEWAY_URL as string;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const ORDER_PATH = '/api/v1/orders/ORD-DOES-NOT-EXIST';

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

function decode(segment: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const clientId = `edge-auth-${Date.now()}`;
const readerId = `${clientId}-reader`;
let secret: string;
let readerSecret: string;

beforeAll(async () => {
  [secret, readerSecret] = await Promise.all([registerClient(clientId, ['read', 'write']), registerClient(readerId, ['read'])]);
});

describe('POST /oauth/token', () => {
  it('issues an RFC 9068 access token signed ES256 under a kid that /.well-known/jwks.json publishes', async () => {
    const response = await send(`${gateway()}/oauth/token`, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'read write' }),
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    expect(response.json).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'read write' });
    const [header, payload] = (response.json.access_token as string).split('.');
    expect(decode(header)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    const claims = decode(payload);
    expect(claims).toMatchObject({ iss: 'order-saga-gateway', aud: 'order-saga-api', sub: clientId, client_id: clientId, scope: 'read write' });
    expect(claims.exp).toBe((claims.iat as number) + 3600);
    expect(claims.jti).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));

    const jwks = await send(`${gateway()}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    const keys = jwks.json.keys as Record<string, unknown>[];
    expect(keys.map((key) => key.kid)).toContain(decode(header).kid);
    for (const key of keys) {
      expect(key).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: expect.any(String), alg: 'ES256', use: 'sig' });
    }
  });

  it('accepts client authentication by HTTP Basic', async () => {
    const response = await send(`${gateway()}/oauth/token`, {
      method: 'POST',
      headers: { ...FORM, authorization: basic(clientId, secret) },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read' }),
    });

    expect(response.status).toBe(200);
    expect(response.json.scope).toBe('read');
  });

  it.each([
    ['a wrong secret', { grant_type: 'client_credentials', client_id: 'X', client_secret: 'not-the-secret' }, {}, 401, 'invalid_client'],
    ['a scope the client does not have', { grant_type: 'client_credentials', client_id: 'R', client_secret: 'R', scope: 'write' }, {}, 400, 'invalid_scope'],
    ['another grant type', { grant_type: 'password', client_id: 'X', client_secret: 'X' }, {}, 400, 'unsupported_grant_type'],
    ['no grant type', { client_id: 'X', client_secret: 'X' }, {}, 400, 'invalid_request'],
    ['a JSON body', null, { 'content-type': 'application/json' }, 400, 'invalid_request'],
  ])('answers %s with the RFC 6749 error and Cache-Control: no-store', async (_name, form, headers, status, error) => {
    const resolved =
      form &&
      Object.fromEntries(
        Object.entries(form).map(([k, v]) => [
          k,
          v === 'X' ? (k === 'client_id' ? clientId : secret) : v === 'R' ? (k === 'client_id' ? readerId : readerSecret) : v,
        ]),
      );
    const body = resolved ? new URLSearchParams(resolved) : JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });

    const response = await send(`${gateway()}/oauth/token`, { method: 'POST', headers: { ...FORM, ...headers }, body });

    expect(response.status).toBe(status);
    expect(response.json).toEqual({ error, error_description: expect.any(String) });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    if (status === 401) expect(response.headers.get('www-authenticate')).toBe('Basic realm="order-saga"');
  });
});

describe('access token checks at /api/v1', () => {
  const attempt = (authorization?: string) => send(`${gateway()}${ORDER_PATH}`, { headers: authorization === undefined ? {} : { authorization } });

  it('lets a valid token through to the service behind', async () => {
    const response = await attempt(`Bearer ${await clientCredentialsToken(gateway(), { id: clientId, secret })}`);

    expectSeedError(response, 404, 'NOT_FOUND');
  });

  it('answers a request without a token with 401 and a bare Bearer challenge', async () => {
    const response = await attempt();

    expectSeedError(response, 401, 'UNAUTHORIZED');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="order-saga"');
  });

  const attacks: [string, () => Promise<string>][] = [
    ['a malformed token', async () => 'Bearer not.a.jwt'],
    ['an empty Bearer credential', async () => 'Bearer '],
    ['an expired token', async () => forged({ iat: now() - 7200, exp: now() - 3600 })],
    ['a token from another issuer', async () => forged({ iss: 'https://evil.example' })],
    ['a token for another audience', async () => forged({ aud: 'some-other-api' })],
    ['a token signed with another key under the gateway kid', async () => forged({}, strangerKey())],
    ['an alg none token', async () => `Bearer ${unsigned(accessTokenClaims(clientId))}`],
    [
      'a real token whose payload was rewritten',
      async () => {
        const [header, , signature] = (await clientCredentialsToken(gateway(), { id: readerId, secret: readerSecret })).split('.');
        const payload = Buffer.from(JSON.stringify(accessTokenClaims(readerId))).toString('base64url');
        return `Bearer ${header}.${payload}.${signature}`;
      },
    ],
    [
      'a real token with a flipped signature',
      async () => {
        const token = await clientCredentialsToken(gateway(), { id: clientId, secret });
        const last = token.at(-5) === 'A' ? 'B' : 'A';
        return `Bearer ${token.slice(0, -5)}${last}${token.slice(-4)}`;
      },
    ],
    ['a token typed as a plain JWT', async () => forged({}, undefined, 'JWT')],
  ];

  it.each(attacks)('answers %s with 401 UNAUTHORIZED, error="invalid_token"', async (_name, authorization) => {
    const response = await attempt(await authorization());

    const body = expectSeedError(response, 401, 'UNAUTHORIZED');
    expect(body.message).toBe('Invalid or expired access token');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="order-saga", error="invalid_token", error_description="[^"]+"$/);
  });

  it('says "expired" in the challenge of an expired token', async () => {
    const response = await attempt(forged({ iat: now() - 7200, exp: now() - 1 }));

    expect(response.headers.get('www-authenticate')).toContain('error_description="The access token expired"');
  });

  it('answers a read-only token on POST with 403 FORBIDDEN, error="insufficient_scope", scope="write"', async () => {
    const token = await clientCredentialsToken(gateway(), { id: readerId, secret: readerSecret });
    const response = await send(`${gateway()}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });

    expectSeedError(response, 403, 'FORBIDDEN');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="order-saga", error="insufficient_scope", scope="write"');
  });

  it('answers a write-only token on GET with 403 FORBIDDEN, scope="read"', async () => {
    const token = await clientCredentialsToken(gateway(), { id: clientId, secret }, { scope: 'write' });
    const response = await attempt(`Bearer ${token}`);

    expectSeedError(response, 403, 'FORBIDDEN');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="order-saga", error="insufficient_scope", scope="read"');
  });
});

describe('signing key rotation', () => {
  const running: RunningService[] = [];
  afterAll(async () => {
    await Promise.all(running.map((service) => stopService(service)));
  });

  it('keeps tokens of the old key valid on a gateway that signs with a new one, until the old key is retired', async () => {
    const beforeRotation = await clientCredentialsToken(gateway(), { id: clientId, secret });
    const oldKid = decode(beforeRotation.split('.')[0]).kid as string;
    const rotatedFile = dataFile('rotated-keys.json');
    copyFileSync(process.env.E2E_JWT_SIGNING_KEYS_FILE as string, rotatedFile);
    await signingKeys('add', rotatedFile, 'e2e-next');
    await signingKeys('activate', rotatedFile, 'e2e-next');
    const rotated = await startExtraGateway('gateway-rotated', { JWT_SIGNING_KEYS_FILE: rotatedFile });
    running.push(rotated);

    const afterRotation = await clientCredentialsToken(rotated.url, { id: clientId, secret });
    expect(decode(afterRotation.split('.')[0]).kid).toBe('e2e-next');
    const published = await send(`${rotated.url}/.well-known/jwks.json`);
    expect((published.json.keys as { kid: string }[]).map((key) => key.kid)).toEqual(['e2e-next', oldKid]);
    expectSeedError(await send(`${rotated.url}${ORDER_PATH}`, { headers: { authorization: `Bearer ${beforeRotation}` } }), 404, 'NOT_FOUND');
    expectSeedError(await send(`${rotated.url}${ORDER_PATH}`, { headers: { authorization: `Bearer ${afterRotation}` } }), 404, 'NOT_FOUND');

    const retiredFile = dataFile('retired-keys.json');
    copyFileSync(rotatedFile, retiredFile);
    await signingKeys('retire', retiredFile, oldKid);
    const retired = await startExtraGateway('gateway-retired', { JWT_SIGNING_KEYS_FILE: retiredFile });
    running.push(retired);

    expectSeedError(await send(`${retired.url}${ORDER_PATH}`, { headers: { authorization: `Bearer ${beforeRotation}` } }), 401, 'UNAUTHORIZED');
    expectSeedError(await send(`${retired.url}${ORDER_PATH}`, { headers: { authorization: `Bearer ${afterRotation}` } }), 404, 'NOT_FOUND');
  }, 120_000);
});

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** A token with the gateway's own key and kid (unless another key is given), with `overrides` wrong. */
function forged(overrides: Record<string, unknown>, key?: ReturnType<typeof strangerKey>, typ = 'at+jwt'): string {
  const real = gatewaySigningKey(process.env.E2E_JWT_SIGNING_KEYS_FILE as string);
  return `Bearer ${es256({ alg: 'ES256', typ, kid: real.kid }, accessTokenClaims(clientId, overrides), key ?? real.key)}`;
}
