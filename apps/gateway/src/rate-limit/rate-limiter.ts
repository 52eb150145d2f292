import type { PinoLogger } from 'nestjs-pino';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { Limits, limitsFor, RateLimitSettings, RateLimitTier, RouteClass } from './rate-limit.policy';

const MINUTE_SECONDS = 60;
const DAY_SECONDS = 86_400;
const WARN_EVERY_MS = 10_000;

export interface RateLimitDecision {
  allowed: boolean;
  /** X-RateLimit-Limit: the per-minute limit, or the daily one once that is what stops the client. */
  limit: number;
  /** X-RateLimit-Remaining: requests left in the window before the burst allowance is needed. */
  remaining: number;
  /** X-RateLimit-Reset: unix seconds when the window that governs `remaining` starts over. */
  resetAt: number;
  /** Seconds until a refused client may try again. */
  retryAfterSeconds: number;
  /** Set while a request rides on the burst allowance: how many burst requests are left. */
  burstRemaining?: number;
  /** Redis did not answer and this process's own counters decided. */
  degraded: boolean;
}

/** One window's count after this request: requests counted in it so far, and the time until it starts over. */
interface Count {
  consumed: number;
  msBeforeNext: number;
}

/** The windows a check touched, in the order it touches them; a later one is absent when an earlier one decided. */
interface Counts {
  minute: Count;
  burst?: Count;
  day?: Count;
}

/**
 * The windows of one check in ONE round trip: the minute window, then (only when the minute is spent) the
 * burst window, then (only when the request is still allowed) the day window, each counted like
 * rate-limiter-flexible's RateLimiterRedis counts one (SET NX EX, INCR, PTTL), on the same keys, so a
 * deploy keeps the counters. The same sequence as countLocally, where Redis cannot be reached.
 *
 * KEYS: minute, burst, day. ARGV: minute limit, burst allowance, day limit, day seconds, and how many ms
 * of the burst key's minute are left when the burst closes. Returns minute, burst and day counts and
 * TTLs in ms, -1 for a window not touched.
 */
const COUNT_WINDOWS_LUA = `
local function count(key, seconds)
  redis.call('set', key, 0, 'EX', seconds, 'NX')
  local consumed = redis.call('incr', key)
  local ttl = redis.call('pttl', key)
  if ttl == -1 then
    redis.call('expire', key, seconds)
    ttl = 1000 * seconds
  end
  return {consumed, ttl}
end
local minute = count(KEYS[1], ${MINUTE_SECONDS})
local result = {minute[1], minute[2], -1, -1, -1, -1}
if minute[1] > tonumber(ARGV[1]) then
  if tonumber(ARGV[2]) <= 0 then return result end
  local burst = count(KEYS[2], ${MINUTE_SECONDS})
  result[3] = burst[1]
  result[4] = burst[2]
  if burst[1] > tonumber(ARGV[2]) or burst[2] <= tonumber(ARGV[5]) then return result end
end
local day = count(KEYS[3], tonumber(ARGV[4]))
result[5] = day[1]
result[6] = day[2]
return result
`;

/** The script as an ioredis command: EVALSHA, and EVAL only when Redis does not know the script yet. */
interface RedisWithCountWindows {
  orderSagaCountRateLimitWindows(minuteKey: string, burstKey: string, dayKey: string, ...args: string[]): Promise<number[]>;
}

/**
 * Per-client limits in Redis, so every gateway replica counts against the same budget, in fixed windows:
 *
 *   - minute window: `perMinute` requests per client and route class, starting at the first request;
 *   - burst: once the minute is spent, `burst` more requests (perMinute × (burst% − 100)), usable only
 *     within `burstSeconds` of the first of them, and at most once per minute;
 *   - day window: `perDay` requests per client across all routes; refused requests do not count.
 *
 * Every check is one Redis round trip (COUNT_WINDOWS_LUA). When Redis fails, the request is decided by
 * per-process in-memory windows of the same shape (fail-open to local limits): a Redis outage must not
 * take the API down, and each replica still enforces the limits on its own share of traffic. Each
 * failure is counted and logged.
 */
export class RateLimiter {
  private readonly localWindows = new Map<string, RateLimiterMemory>();
  private lastWarning = 0;
  /** Metric-ish: how many checks Redis failed since start. */
  storeFailures = 0;

  constructor(
    private readonly redis: Redis,
    private readonly settings: RateLimitSettings,
    private readonly keyPrefix: string,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(RateLimiter.name);
    redis.defineCommand('orderSagaCountRateLimitWindows', { numberOfKeys: 3, lua: COUNT_WINDOWS_LUA });
  }

  async check(clientId: string, tier: RateLimitTier, routeClass: RouteClass): Promise<RateLimitDecision> {
    const limits = limitsFor(this.settings, routeClass, tier);
    const minuteKey = `${clientId}:${routeClass}`;
    // The point count is part of each key: a tier change or a new limit starts a fresh count instead of
    // being judged against a counter kept for another limit.
    const keys = {
      minute: { prefix: `m${limits.perMinute}`, key: minuteKey },
      burst: { prefix: `b${limits.burst}`, key: minuteKey },
      day: { prefix: `d${limits.perDay}`, key: clientId },
    };
    let counts: Counts;
    let degraded = false;
    try {
      const reply = await (this.redis as unknown as RedisWithCountWindows).orderSagaCountRateLimitWindows(
        this.redisKey(keys.minute),
        this.redisKey(keys.burst),
        this.redisKey(keys.day),
        String(limits.perMinute),
        String(limits.burst),
        String(limits.perDay),
        String(DAY_SECONDS),
        String(this.burstClosedWithMsLeft()),
      );
      counts = countsOf(reply);
    } catch (error) {
      this.storeFailures += 1;
      degraded = true;
      if (Date.now() - this.lastWarning > WARN_EVERY_MS) {
        this.lastWarning = Date.now();
        this.logger.warn({ err: error, store_failures: this.storeFailures }, 'Redis unavailable: rate limits are enforced per gateway process');
      }
      counts = await this.countLocally(limits, keys);
    }
    return this.decide(limits, counts, degraded);
  }

  private decide(limits: Limits, counts: Counts, degraded: boolean): RateLimitDecision {
    const { minute, burst, day } = counts;
    const minuteReset = resetOf(minute);
    const minuteAllowed = minute.consumed <= limits.perMinute;
    if (!minuteAllowed && (!burst || !this.burstAllows(limits, burst))) {
      const retryAfterSeconds = Math.max(1, Math.ceil(minute.msBeforeNext / 1000));
      return { allowed: false, limit: limits.perMinute, remaining: 0, resetAt: minuteReset, retryAfterSeconds, degraded };
    }
    if (!day) throw new Error('the day window was not counted for a request the minute window allowed');
    if (day.consumed > limits.perDay) {
      const retryAfterSeconds = Math.max(1, Math.ceil(day.msBeforeNext / 1000));
      return { allowed: false, limit: limits.perDay, remaining: 0, resetAt: resetOf(day), retryAfterSeconds, degraded };
    }
    return {
      allowed: true,
      limit: limits.perMinute,
      remaining: Math.max(limits.perMinute - minute.consumed, 0),
      resetAt: minuteReset,
      retryAfterSeconds: 0,
      ...(!minuteAllowed && burst ? { burstRemaining: Math.max(limits.burst - burst.consumed, 0) } : {}),
      degraded,
    };
  }

  /** The burst key lives a minute from its first request; it is open only for the first burstSeconds of that. */
  private burstAllows(limits: Limits, burst: Count): boolean {
    return burst.consumed <= limits.burst && burst.msBeforeNext > this.burstClosedWithMsLeft();
  }

  private burstClosedWithMsLeft(): number {
    return (MINUTE_SECONDS - this.settings.burstSeconds) * 1000;
  }

  /** COUNT_WINDOWS_LUA's sequence on this process's own counters. */
  private async countLocally(limits: Limits, keys: Record<keyof Counts, { prefix: string; key: string }>): Promise<Counts> {
    const minute = await this.countIn(keys.minute, limits.perMinute, MINUTE_SECONDS);
    let burst: Count | undefined;
    if (minute.consumed > limits.perMinute) {
      if (limits.burst <= 0) return { minute };
      burst = await this.countIn(keys.burst, limits.burst, MINUTE_SECONDS);
      if (!this.burstAllows(limits, burst)) return { minute, burst };
    }
    return { minute, ...(burst ? { burst } : {}), day: await this.countIn(keys.day, limits.perDay, DAY_SECONDS) };
  }

  private async countIn(window: { prefix: string; key: string }, points: number, duration: number): Promise<Count> {
    const name = `${window.prefix}:${duration}`;
    let limiter = this.localWindows.get(name);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points, duration, keyPrefix: `${this.keyPrefix}:${window.prefix}` });
      this.localWindows.set(name, limiter);
    }
    // rate-limiter-flexible rejects with the RateLimiterRes when over the limit; the count is in it either way.
    const res = await limiter.consume(window.key).catch((rejection: unknown) => {
      if (rejection instanceof RateLimiterRes) return rejection;
      throw rejection;
    });
    return { consumed: res.consumedPoints, msBeforeNext: res.msBeforeNext };
  }

  /** rate-limiter-flexible's key for the same window, `<prefix>:<kind><points>:<key>`. */
  private redisKey(window: { prefix: string; key: string }): string {
    return `${this.keyPrefix}:${window.prefix}:${window.key}`;
  }
}

function countsOf(reply: number[]): Counts {
  const [minuteConsumed, minuteTtl, burstConsumed, burstTtl, dayConsumed, dayTtl] = reply.map(Number);
  return {
    minute: { consumed: minuteConsumed, msBeforeNext: minuteTtl },
    ...(burstConsumed >= 0 ? { burst: { consumed: burstConsumed, msBeforeNext: burstTtl } } : {}),
    ...(dayConsumed >= 0 ? { day: { consumed: dayConsumed, msBeforeNext: dayTtl } } : {}),
  };
}

function resetOf(count: Count): number {
  return Math.ceil((Date.now() + count.msBeforeNext) / 1000);
}
