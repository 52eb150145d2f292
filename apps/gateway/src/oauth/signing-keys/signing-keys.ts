import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CryptoKey, exportJWK, generateKeyPair, importJWK, JWK, JSONWebKeySet } from 'jose';

export const SIGNING_ALGORITHM = 'ES256';

/**
 * The signing key file: every key the gateway publishes and accepts, and which one signs.
 * Rotation is three steps so that several replicas never disagree about a live token:
 *   1. `add`      — a new key is published in the JWKS and accepted, but does not sign yet;
 *                   roll it out to every replica.
 *   2. `activate` — the new key signs; the old one still verifies the tokens it signed.
 *   3. `retire`   — once ACCESS_TOKEN_TTL_SECONDS have passed since step 2, the old key goes.
 * `rotate` does 1 and 2 at once, which is safe with a single replica (or a shared file).
 */
export interface SigningKeyFile {
  active_kid: string;
  keys: JWK[];
}

export interface SigningKeySet {
  activeKid: string;
  signingKey: CryptoKey;
  /** Public halves only, as served at /.well-known/jwks.json. */
  jwks: JSONWebKeySet;
}

export class SigningKeyFileError extends Error {}

/** `2026-11-21-a1b2c3`: sortable by creation, unique enough across a handful of live keys. */
export function newKeyId(now: Date = new Date()): string {
  return `${now.toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
}

export async function generateSigningKey(kid: string = newKeyId()): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
}

export function parseSigningKeyFile(text: string, source: string): SigningKeyFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SigningKeyFileError(`${source} is not JSON`);
  }
  const file = parsed as Partial<SigningKeyFile>;
  if (typeof file !== 'object' || file === null || typeof file.active_kid !== 'string' || !Array.isArray(file.keys)) {
    throw new SigningKeyFileError(`${source} must be {"active_kid": string, "keys": [private JWK, ...]}`);
  }
  const kids = new Set<string>();
  for (const key of file.keys) {
    if (typeof key?.kid !== 'string' || key.kty !== 'EC' || key.crv !== 'P-256' || typeof key.d !== 'string') {
      throw new SigningKeyFileError(`${source}: every key must be a private P-256 EC JWK with a kid`);
    }
    if (kids.has(key.kid)) throw new SigningKeyFileError(`${source}: kid ${key.kid} appears twice`);
    kids.add(key.kid);
  }
  if (!kids.has(file.active_kid)) throw new SigningKeyFileError(`${source}: active_kid ${file.active_kid} is not among the keys`);
  return { active_kid: file.active_kid, keys: file.keys };
}

export async function loadSigningKeySet(path: string): Promise<SigningKeySet> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SigningKeyFileError(`JWT_SIGNING_KEYS_FILE ${path} cannot be read: ${(error as Error).message}`);
  }
  return signingKeySetOf(parseSigningKeyFile(text, `JWT_SIGNING_KEYS_FILE ${path}`));
}

export async function signingKeySetOf(file: SigningKeyFile): Promise<SigningKeySet> {
  const active = file.keys.find((key) => key.kid === file.active_kid) as JWK;
  const signingKey = (await importJWK(active, SIGNING_ALGORITHM)) as CryptoKey;
  return { activeKid: file.active_kid, signingKey, jwks: { keys: file.keys.map(publicHalfOf) } };
}

/** Drops the private parameter; anything else a JWK may carry (x5c, key_ops…) is not ours to publish. */
export function publicHalfOf(key: JWK): JWK {
  const { kty, crv, x, y, kid } = key;
  return { kty, crv, x, y, kid, alg: SIGNING_ALGORITHM, use: 'sig' };
}

export async function addKey(file: SigningKeyFile | undefined, kid?: string): Promise<SigningKeyFile> {
  const key = await generateSigningKey(kid);
  // A fresh file has nothing else that could sign, so its first key is active at once.
  return file ? { ...file, keys: [key, ...file.keys] } : { active_kid: key.kid as string, keys: [key] };
}

export function activateKey(file: SigningKeyFile, kid: string): SigningKeyFile {
  if (!file.keys.some((key) => key.kid === kid)) throw new SigningKeyFileError(`no key with kid ${kid}`);
  return { ...file, active_kid: kid };
}

export function retireKey(file: SigningKeyFile, kid: string): SigningKeyFile {
  if (kid === file.active_kid) throw new SigningKeyFileError(`kid ${kid} is the active signing key; activate another one first`);
  if (!file.keys.some((key) => key.kid === kid)) throw new SigningKeyFileError(`no key with kid ${kid}`);
  return { ...file, keys: file.keys.filter((key) => key.kid !== kid) };
}
