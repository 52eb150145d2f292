/** The rate limiter's Redis connection. */
export const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');
