export interface RetryPolicyOptions {
  /** Requests in total, the first one included. The integration spec asks for 3. */
  maxAttempts?: number;
  /** Delay cap before jitter for the first retry; doubles on each further one. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest Retry-After the client is willing to wait; beyond it the error is returned instead. */
  maxRetryAfterMs?: number;
  /** Injectable for tests: a number in [0, 1). */
  random?: () => number;
}

/** Statuses worth another attempt: rate limited, or the server (or what is behind it) failed. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

export class RetryPolicy {
  readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly random: () => number;

  constructor({ maxAttempts = 3, baseDelayMs = 500, maxDelayMs = 30_000, maxRetryAfterMs = 120_000, random = Math.random }: RetryPolicyOptions = {}) {
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error('maxAttempts must be an integer ≥ 1');
    this.maxAttempts = maxAttempts;
    this.baseDelayMs = baseDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.maxRetryAfterMs = maxRetryAfterMs;
    this.random = random;
  }

  /**
   * Milliseconds to wait before attempt `attempt + 1` (attempt counts from 1), or undefined to stop.
   * Retry-After wins when the server sent one: waiting less would only earn another 429. Otherwise
   * "full jitter" exponential backoff, so clients that failed together do not retry together.
   */
  delayBeforeNextAttempt(attempt: number, retryAfterHeader: string | null, now: number): number | undefined {
    if (attempt >= this.maxAttempts) return undefined;
    const retryAfter = parseRetryAfter(retryAfterHeader, now);
    if (retryAfter !== undefined) return retryAfter <= this.maxRetryAfterMs ? retryAfter : undefined;
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * cap);
  }
}

/** RFC 9110 Retry-After: delay-seconds or an HTTP-date; milliseconds from `now`, undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
