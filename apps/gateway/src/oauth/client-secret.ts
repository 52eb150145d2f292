import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/**
 * ~32 MiB and tens of milliseconds per hash. The format records the parameters, so they can be
 * raised later without invalidating stored hashes.
 */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Bounds on stored parameters, so a corrupted row cannot make one token request allocate gigabytes. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/** 256 random bits, URL- and form-safe, so it can go in a Basic header or a form body unescaped. */
export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** `scrypt$N$r$p$salt$hash` (base64url salt and hash) with a fresh random salt per call. */
export async function hashClientSecret(secret: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(secret, salt, KEY_BYTES, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time comparison against a stored hash. A malformed stored hash is a data error and throws. */
export async function verifyClientSecret(secret: string, storedHash: string): Promise<boolean> {
  const { params, salt, key } = parseSecretHash(storedHash);
  const candidate = await deriveKey(secret, salt, key.length, params);
  return timingSafeEqual(candidate, key);
}

function parseSecretHash(storedHash: string): { params: ScryptParams; salt: Buffer; key: Buffer } {
  const match = FORMAT.exec(storedHash);
  if (!match) throw new Error('client secret hash is not in scrypt$N$r$p$salt$hash format');
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > MAX_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) {
    throw new Error(`client secret hash has out-of-range scrypt parameters N=${N} r=${r} p=${p}`);
  }
  const salt = Buffer.from(match[4], 'base64url');
  const key = Buffer.from(match[5], 'base64url');
  if (key.length < 16) throw new Error('client secret hash is too short');
  return { params: { N, r, p }, salt, key };
}

function deriveKey(secret: string, salt: Buffer, length: number, { N, r, p }: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Node refuses scrypt above maxmem (32 MiB by default); 128·N·r·p is what it needs, the rest is headroom.
    scrypt(secret, salt, length, { N, r, p, maxmem: 256 * N * r * p }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
