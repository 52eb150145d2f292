import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { AccessTokens, AccessTokenSettings, InvalidAccessTokenError } from './access-tokens';
import { activateKey, addKey, retireKey, SigningKeyFile, signingKeySetOf } from './signing-keys/signing-keys';

// jose's own verification, counted: a remembered token must not reach it again.
jest.mock('jose', () => {
  const actual = jest.requireActual<typeof import('jose')>('jose');
  return { ...actual, jwtVerify: jest.fn(actual.jwtVerify) };
});

const now = new Date('2025-01-15T10:30:00Z');
const nowSeconds = now.getTime() / 1000;
let keyFile: SigningKeyFile;
let settings: AccessTokenSettings;
let tokens: AccessTokens;

beforeAll(async () => {
  keyFile = await addKey(undefined, 'key-1');
  settings = { issuer: 'order-saga-gateway', audience: 'order-saga-api', ttlSeconds: 3600, keys: await signingKeySetOf(keyFile) };
  tokens = new AccessTokens(settings);
});

async function rejectionOf(promise: Promise<unknown>): Promise<InvalidAccessTokenError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InvalidAccessTokenError) return error;
    throw error;
  }
  throw new Error('expected the token to be rejected');
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('AccessTokens', () => {
  it('issues an RFC 9068 at+jwt signed with ES256 under the active kid that verifies back to its client and scope', async () => {
    const { token, expiresIn } = await tokens.issue('client-a', ['read', 'write'], now);

    expect(expiresIn).toBe(3600);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'key-1' });
    expect(decodeJwt(token)).toEqual({
      iss: 'order-saga-gateway',
      aud: 'order-saga-api',
      sub: 'client-a',
      client_id: 'client-a',
      scope: 'read write',
      rate_limit_tier: 'standard',
      iat: nowSeconds,
      exp: nowSeconds + 3600,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    await expect(tokens.verify(token, now)).resolves.toEqual({
      clientId: 'client-a',
      scope: 'read write',
      tokenId: decodeJwt(token).jti,
      expiresAt: new Date((nowSeconds + 3600) * 1000),
      rateLimitTier: 'standard',
    });
  });

  it('carries the client rate-limit tier', async () => {
    const { token } = await tokens.issue('client-a', ['read'], now, 'sandbox');

    expect((await tokens.verify(token, now)).rateLimitTier).toBe('sandbox');
  });

  it('publishes only the public half of each key', () => {
    expect(tokens.jwks.keys).toHaveLength(1);
    expect(tokens.jwks.keys[0]).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: 'key-1', alg: 'ES256', use: 'sig' });
  });

  it('gives every token its own jti', async () => {
    const [a, b] = await Promise.all([tokens.issue('client-a', ['read'], now), tokens.issue('client-a', ['read'], now)]);

    expect(decodeJwt(a.token).jti).not.toBe(decodeJwt(b.token).jti);
  });

  it('rejects an expired token as expired', async () => {
    const { token } = await tokens.issue('client-a', ['read'], now);

    await expect(tokens.verify(token, new Date(now.getTime() + 3599_000))).resolves.toMatchObject({ clientId: 'client-a' });
    expect(await rejectionOf(tokens.verify(token, new Date(now.getTime() + 3601_000)))).toMatchObject({ reason: 'expired' });
  });

  it('rejects a token issued for another audience or by another issuer', async () => {
    const otherAudience = await new AccessTokens({ ...settings, audience: 'another-api' }).issue('client-a', ['read'], now);
    const otherIssuer = await new AccessTokens({ ...settings, issuer: 'someone-else' }).issue('client-a', ['read'], now);

    expect(await rejectionOf(tokens.verify(otherAudience.token, now))).toMatchObject({ reason: 'invalid' });
    expect(await rejectionOf(tokens.verify(otherIssuer.token, now))).toMatchObject({ reason: 'invalid' });
  });

  it('rejects a tampered signature', async () => {
    const { token } = await tokens.issue('client-a', ['read'], now);
    const [header, payload, signature] = token.split('.');
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;

    expect(await rejectionOf(tokens.verify(`${header}.${payload}.${flipped}`, now))).toMatchObject({ reason: 'invalid' });
  });

  it('rejects a payload rewritten to add a scope', async () => {
    const { token } = await tokens.issue('client-a', ['read'], now);
    const [header, , signature] = token.split('.');
    const forged = base64url({ ...decodeJwt(token), scope: 'read write' });

    expect(await rejectionOf(tokens.verify(`${header}.${forged}.${signature}`, now))).toMatchObject({ reason: 'invalid' });
  });

  it('rejects an unsigned alg none token', async () => {
    const { token } = await tokens.issue('client-a', ['read', 'write'], now);
    const unsigned = `${base64url({ alg: 'none', typ: 'at+jwt', kid: 'key-1' })}.${token.split('.')[1]}.`;

    expect(await rejectionOf(tokens.verify(unsigned, now))).toMatchObject({ reason: 'invalid' });
  });

  it('rejects an HS256 token keyed with the published public key (algorithm confusion)', async () => {
    const claims = decodeJwt((await tokens.issue('client-a', ['read'], now)).token);
    const publicKeyAsSecret = new TextEncoder().encode(JSON.stringify(tokens.jwks.keys[0]));
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'key-1' }).sign(publicKeyAsSecret);

    expect(await rejectionOf(tokens.verify(token, now))).toMatchObject({ reason: 'invalid' });
  });

  it('rejects a plain JWT that is not typed as an access token', async () => {
    const claims = decodeJwt((await tokens.issue('client-a', ['read'], now)).token);
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'key-1' }).sign(settings.keys.signingKey);

    expect(await rejectionOf(tokens.verify(token, now))).toMatchObject({ reason: 'invalid' });
  });

  it('rejects a token signed with a key it does not publish, even under a published kid', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const claims = decodeJwt((await tokens.issue('client-a', ['read'], now)).token);
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'key-1' }).sign(privateKey);

    expect(await rejectionOf(tokens.verify(token, now))).toMatchObject({ reason: 'invalid' });
    expect(await exportJWK(privateKey)).toHaveProperty('d');
  });

  it('rejects garbage', async () => {
    expect(await rejectionOf(tokens.verify('not-a-jwt', now))).toMatchObject({ reason: 'invalid' });
    expect(await rejectionOf(tokens.verify(`${base64url({ alg: 'ES256', kid: 7 })}.e30.AAAA`, now))).toMatchObject({ reason: 'invalid' });
  });
});

describe('remembered tokens', () => {
  const fullVerifications = jwtVerify as jest.MockedFunction<typeof jwtVerify>;

  it('answers a token it verified before with the same claims, without checking its signature again', async () => {
    const { token } = await tokens.issue('client-a', ['read', 'write'], now);
    const first = await tokens.verify(token, now);
    fullVerifications.mockClear();

    const again = await tokens.verify(token, new Date(now.getTime() + 60_000));

    expect(again).toEqual(first);
    expect(fullVerifications).not.toHaveBeenCalled();
  });

  it('refuses a remembered token from the second of its exp on, as a full verification does', async () => {
    const { token } = await tokens.issue('client-a', ['read'], now);
    const expSeconds = decodeJwt(token).exp as number;
    const lastValidMoment = new Date(expSeconds * 1000 - 1);
    const expiryMoment = new Date(expSeconds * 1000);
    await tokens.verify(token, now);

    const remembered = [await tokens.verify(token, lastValidMoment), await rejectionOf(tokens.verify(token, expiryMoment))];
    // New instances remember nothing yet, so they verify in full.
    const verifiedInFull = [
      await new AccessTokens(settings).verify(token, lastValidMoment),
      await rejectionOf(new AccessTokens(settings).verify(token, expiryMoment)),
    ];

    expect(remembered[0]).toEqual(verifiedInFull[0]);
    expect(remembered[1]).toMatchObject({ reason: 'expired' });
    expect(verifiedInFull[1]).toMatchObject({ reason: 'expired' });
  });

  it('never remembers a token it refused', async () => {
    const { token } = await tokens.issue('client-a', ['read'], now);
    const [header, payload, signature] = token.split('.');
    const tampered = `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    fullVerifications.mockClear();

    const refusals = [await rejectionOf(tokens.verify(tampered, now)), await rejectionOf(tokens.verify(tampered, now))];

    expect(refusals.map((refusal) => refusal.reason)).toEqual(['invalid', 'invalid']);
    expect(fullVerifications).toHaveBeenCalledTimes(2);
  });
});

describe('signing key rotation', () => {
  it('keeps tokens of the old key valid after the new key takes over, and refuses them once it is retired', async () => {
    const before = await tokens.issue('client-a', ['read'], now);

    const added = await addKey(keyFile, 'key-2');
    const rotated = activateKey(added, 'key-2');
    const afterRotation = new AccessTokens({ ...settings, keys: await signingKeySetOf(rotated) });
    const after = await afterRotation.issue('client-a', ['read'], now);

    expect(decodeProtectedHeader(after.token).kid).toBe('key-2');
    expect(afterRotation.jwks.keys.map((key) => key.kid)).toEqual(['key-2', 'key-1']);
    await expect(afterRotation.verify(before.token, now)).resolves.toMatchObject({ clientId: 'client-a' });
    await expect(afterRotation.verify(after.token, now)).resolves.toMatchObject({ clientId: 'client-a' });

    const retired = new AccessTokens({ ...settings, keys: await signingKeySetOf(retireKey(rotated, 'key-1')) });
    expect(await rejectionOf(retired.verify(before.token, now))).toMatchObject({ reason: 'invalid' });
    await expect(retired.verify(after.token, now)).resolves.toMatchObject({ clientId: 'client-a' });
  });

  it('publishes an added key before it signs, so every replica can verify its tokens first', async () => {
    const added = await addKey(keyFile, 'key-next');
    const replica = new AccessTokens({ ...settings, keys: await signingKeySetOf(added) });

    expect(decodeProtectedHeader((await replica.issue('client-a', ['read'], now)).token).kid).toBe('key-1');
    expect(replica.jwks.keys.map((key) => key.kid)).toContain('key-next');
  });

  it('refuses to retire the key that signs', () => {
    expect(() => retireKey(keyFile, 'key-1')).toThrow('active signing key');
  });
});
