import { createPrivateKey, generateKeyPairSync, JsonWebKey, KeyObject, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Builds JWTs by hand for the token-attack tests, so each test can get exactly one thing wrong:
 * signed with the gateway's real key but expired, or for another audience; signed with a stranger's
 * key under the gateway's kid; unsigned. Plain node:crypto, to stay clear of what the gateway uses.
 */

interface KeyFile {
  active_kid: string;
  keys: (JsonWebKey & { kid: string })[];
}

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function gatewaySigningKey(keyFilePath: string): { kid: string; key: KeyObject } {
  const file = JSON.parse(readFileSync(keyFilePath, 'utf8')) as KeyFile;
  const jwk = file.keys.find((key) => key.kid === file.active_kid) as JsonWebKey;
  return { kid: file.active_kid, key: createPrivateKey({ key: jwk, format: 'jwk' }) };
}

export function strangerKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

export function es256(header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject): string {
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `${input}.${signature}`;
}

export function unsigned(claims: Record<string, unknown>): string {
  return `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`;
}

/** The claims the gateway issues, for `clientId`, valid now; override any of them. */
export function accessTokenClaims(clientId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: 'order-saga-gateway',
    aud: 'order-saga-api',
    sub: clientId,
    client_id: clientId,
    scope: 'read write',
    iat: now,
    exp: now + 3600,
    jti: randomUUID(),
    ...overrides,
  };
}
