import { createHash } from 'node:crypto';

/** How long an idempotency key keeps naming its order (the spec's 24 h, Stripe's too). */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * SHA-256 of the request body in a canonical JSON form (object keys sorted at every depth), so the
 * same order sent with its fields in another order or other whitespace is recognised as the same.
 */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What an earlier order under the same idempotency key means for a new request. */
export type KeyVerdict =
  /** Same body, finished: answer with that order as it is. */
  | 'replay'
  /** Same body, the saga still running: the client must wait, not start a second order. */
  | 'in-flight'
  /** Another body under a key already used: refused with the existing order's id. */
  | 'mismatch'
  /** Older than the TTL: the key is free again. */
  | 'expired';

export interface KeyedOrder {
  status: string;
  createdAt: Date;
  idempotencyRequestHash: string | null;
}

export function judgeIdempotencyKey(previous: KeyedOrder, fingerprint: string, now: Date): KeyVerdict {
  if (now.getTime() - previous.createdAt.getTime() >= IDEMPOTENCY_KEY_TTL_MS) return 'expired';
  if (previous.idempotencyRequestHash !== fingerprint) return 'mismatch';
  return previous.status === 'pending' ? 'in-flight' : 'replay';
}
