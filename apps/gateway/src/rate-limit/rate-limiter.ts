import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { limitsFor, RateLimitSettings, RateLimitTier, RouteClass } from './rate-limit.policy';

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

interface Window {
  shared: RateLimiterRedis;
  /** Per-process stand-in while Redis is unreachable (see consume). */
  local: RateLimiterMemory;
}

interface Consumed {
  res: RateLimiterRes;
  allowed: boolean;
}

/**
 * Per-client limits in Redis, so every gateway replica counts against the same budget. Counting is
 * rate-limiter-flexible's fixed windows (one atomic INCR + PEXPIRE script per window):
 *
 *   - minute window: `perMinute` requests per client and route class, starting at the first request;
 *   - burst: once the minute is spent, `burst` more requests (perMinute × (burst% − 100)), usable only
 *     within `burstSeconds` of the first of them, and at most once per minute;
 *   - day window: `perDay` requests per client across all routes; refused requests do not count.
 *
 * When Redis fails, the request is decided by per-process in-memory windows of the same shape
 * (fail-open to local limits): a Redis outage must not take the API down, and each replica still
 * enforces the limits on its own share of traffic. Each failure is counted and logged.
 */
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly windows = new Map<string, Window>();
  private lastWarning = 0;
  /** Metric-ish: how many limiter calls Redis failed since start. */
  storeFailures = 0;

  constructor(
    private readonly redis: Redis,
    private readonly settings: RateLimitSettings,
    private readonly keyPrefix: string,
  ) {}

  async check(clientId: string, tier: RateLimitTier, routeClass: RouteClass): Promise<RateLimitDecision> {
    const limits = limitsFor(this.settings, routeClass, tier);
    const degraded = { value: false };
    const minuteKey = `${clientId}:${routeClass}`;
    const minute = await this.consume(this.window('m', limits.perMinute, MINUTE_SECONDS), minuteKey, degraded);
    const minuteReset = resetOf(minute.res);

    let burstRemaining: number | undefined;
    if (!minute.allowed) {
      const burst = limits.burst > 0 ? await this.consume(this.window('b', limits.burst, MINUTE_SECONDS), minuteKey, degraded) : undefined;
      // The burst key lives a minute from its first request; it is open only for the first burstSeconds of that.
      const openFor = burst ? burst.res.msBeforeNext - (MINUTE_SECONDS - this.settings.burstSeconds) * 1000 : 0;
      if (!burst || !burst.allowed || openFor <= 0) {
        const retryAfterSeconds = Math.max(1, Math.ceil(minute.res.msBeforeNext / 1000));
        return { allowed: false, limit: limits.perMinute, remaining: 0, resetAt: minuteReset, retryAfterSeconds, degraded: degraded.value };
      }
      burstRemaining = burst.res.remainingPoints;
    }

    const day = await this.consume(this.window('d', limits.perDay, DAY_SECONDS), clientId, degraded);
    if (!day.allowed) {
      const retryAfterSeconds = Math.max(1, Math.ceil(day.res.msBeforeNext / 1000));
      return { allowed: false, limit: limits.perDay, remaining: 0, resetAt: resetOf(day.res), retryAfterSeconds, degraded: degraded.value };
    }
    return {
      allowed: true,
      limit: limits.perMinute,
      remaining: minute.allowed ? minute.res.remainingPoints : 0,
      resetAt: minuteReset,
      retryAfterSeconds: 0,
      ...(burstRemaining !== undefined ? { burstRemaining } : {}),
      degraded: degraded.value,
    };
  }

  private window(kind: string, points: number, duration: number): Window {
    const name = `${kind}:${points}:${duration}`;
    let window = this.windows.get(name);
    if (!window) {
      // The point count is part of the key prefix: a tier change or a new limit starts a fresh count
      // instead of being judged against a counter kept for another limit.
      const keyPrefix = `${this.keyPrefix}:${kind}${points}`;
      window = {
        shared: new RateLimiterRedis({ storeClient: this.redis, points, duration, keyPrefix }),
        local: new RateLimiterMemory({ points, duration, keyPrefix }),
      };
      this.windows.set(name, window);
    }
    return window;
  }

  private async consume(window: Window, key: string, degraded: { value: boolean }): Promise<Consumed> {
    try {
      return await outcome(window.shared.consume(key));
    } catch (error) {
      this.storeFailures += 1;
      degraded.value = true;
      if (Date.now() - this.lastWarning > WARN_EVERY_MS) {
        this.lastWarning = Date.now();
        this.logger.warn({ err: error, store_failures: this.storeFailures }, 'Redis unavailable: rate limits are enforced per gateway process');
      }
      return outcome(window.local.consume(key));
    }
  }
}

/** rate-limiter-flexible rejects with a RateLimiterRes for "over the limit" and with an Error when the store fails. */
async function outcome(consumption: Promise<RateLimiterRes>): Promise<Consumed> {
  try {
    return { res: await consumption, allowed: true };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { res: rejection, allowed: false };
    throw rejection;
  }
}

function resetOf(res: RateLimiterRes): number {
  return Math.ceil((Date.now() + res.msBeforeNext) / 1000);
}
