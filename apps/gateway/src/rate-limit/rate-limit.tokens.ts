/** The gateway's Redis connection: rate-limit counters and operator sessions. */
export const GATEWAY_REDIS = Symbol('GATEWAY_REDIS');
