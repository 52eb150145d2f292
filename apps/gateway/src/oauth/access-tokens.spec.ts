import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { AccessTokens, InvalidAccessTokenError } from './access-tokens';

const settings = {
  issuer: 'order-saga-gateway',
  audience: 'order-saga-api',
  ttlSeconds: 3600,
  secret: 'a-test-secret-that-is-at-least-32-characters',
};
const tokens = new AccessTokens(settings);
const now = new Date('2025-01-15T10:30:00Z');
const nowSeconds = now.getTime() / 1000;

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
  it('issues an RFC 9068 at+jwt that verifies back to its client and scope', async () => {
    const { token, expiresIn } = await tokens.issue('client-a', ['read', 'write'], now);

    expect(expiresIn).toBe(3600);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    expect(decodeJwt(token)).toEqual({
      iss: 'order-saga-gateway',
      aud: 'order-saga-api',
      sub: 'client-a',
      client_id: 'client-a',
      scope: 'read write',
      iat: nowSeconds,
      exp: nowSeconds + 3600,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    await expect(tokens.verify(token, now)).resolves.toEqual({
      clientId: 'client-a',
      scope: 'read write',
      tokenId: decodeJwt(token).jti,
      expiresAt: new Date((nowSeconds + 3600) * 1000),
    });
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

  it('rejects a token issued for another audience', async () => {
    const { token } = await new AccessTokens({ ...settings, audience: 'another-api' }).issue('client-a', ['read'], now);

    expect(await rejectionOf(tokens.verify(token, now))).toMatchObject({ reason: 'invalid' });
  });

  it('rejects a token from another issuer', async () => {
    const { token } = await new AccessTokens({ ...settings, issuer: 'someone-else' }).issue('client-a', ['read'], now);

    expect(await rejectionOf(tokens.verify(token, now))).toMatchObject({ reason: 'invalid' });
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
    const unsigned = `${base64url({ alg: 'none', typ: 'at+jwt' })}.${token.split('.')[1]}.`;

    expect(await rejectionOf(tokens.verify(unsigned, now))).toMatchObject({ reason: 'invalid' });
  });

  it('rejects a token signed with another HMAC algorithm under the same key', async () => {
    const token = await new SignJWT(decodeJwt((await tokens.issue('client-a', ['read'], now)).token))
      .setProtectedHeader({ alg: 'HS512', typ: 'at+jwt' })
      .sign(new TextEncoder().encode(settings.secret));

    expect(await rejectionOf(tokens.verify(token, now))).toMatchObject({ reason: 'invalid' });
  });

  it('rejects a plain JWT that is not typed as an access token', async () => {
    const token = await new SignJWT(decodeJwt((await tokens.issue('client-a', ['read'], now)).token))
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(settings.secret));

    expect(await rejectionOf(tokens.verify(token, now))).toMatchObject({ reason: 'invalid' });
  });

  it('rejects a token signed with another key', async () => {
    const { token } = await new AccessTokens({ ...settings, secret: 'another-secret-of-at-least-32-characters!' }).issue('client-a', ['read'], now);

    expect(await rejectionOf(tokens.verify(token, now))).toMatchObject({ reason: 'invalid' });
  });

  it('rejects garbage', async () => {
    expect(await rejectionOf(tokens.verify('not-a-jwt', now))).toMatchObject({ reason: 'invalid' });
  });
});
