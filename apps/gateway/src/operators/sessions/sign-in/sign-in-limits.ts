import type Redis from 'ioredis';
import type { PinoLogger } from 'nestjs-pino';
import { GatewayConfig } from '../../../config/gateway.config';
import { GatewayError } from '../../../errors/gateway-error';
import { RateLimitSettings } from '../../../rate-limit/rate-limit.policy';
import { RateLimiter } from '../../../rate-limit/rate-limiter';

/** One limit for every route class: the sign-in is one route. No burst. */
function flat(perMinute: number, perDay: number): RateLimitSettings {
  return {
    perMinute: { 'orders-write': perMinute, 'orders-read': perMinute, search: perMinute, default: perMinute },
    perDay,
    burstPercent: 100,
    burstSeconds: 1,
    sandboxMultiplier: 1,
  };
}

/**
 * Sign-in attempts counted per username (guessing one operator's password) and per client address (trying many
 * usernames), on the API's rate limiter: the same Redis windows, shared by every replica, per-process when Redis
 * is down. Every attempt counts, whatever its outcome: counting only failures would need a second round trip, and
 * an operator signs in a few times a day.
 */
export class SignInLimits {
  constructor(
    private readonly byUsername: RateLimiter,
    private readonly byAddress: RateLimiter,
  ) {}

  static of(redis: Redis, config: GatewayConfig, logger: PinoLogger): SignInLimits {
    const prefix = `${config.RATE_LIMIT_KEY_PREFIX}:operator-sign-in`;
    return new SignInLimits(
      new RateLimiter(redis, flat(config.OPERATOR_SIGN_IN_PER_USERNAME_PER_MINUTE, config.OPERATOR_SIGN_IN_PER_USERNAME_PER_DAY), `${prefix}:username`, logger),
      new RateLimiter(redis, flat(config.OPERATOR_SIGN_IN_PER_ADDRESS_PER_MINUTE, config.OPERATOR_SIGN_IN_PER_ADDRESS_PER_DAY), `${prefix}:address`, logger),
    );
  }

  /** Counts the attempt against both; 429 with Retry-After (the longer wait) when either is spent. */
  async check(username: string, address: string): Promise<void> {
    const decisions = await Promise.all([this.byUsername.check(username, 'standard', 'default'), this.byAddress.check(address, 'standard', 'default')]);
    const refused = decisions.filter((decision) => !decision.allowed);
    if (refused.length === 0) return;
    const retryAfter = Math.max(...refused.map((decision) => decision.retryAfterSeconds));
    throw new GatewayError('RATE_LIMIT_EXCEEDED', 'Too many sign-in attempts; retry later', { 'Retry-After': String(retryAfter) }, { retry_after: retryAfter });
  }
}
