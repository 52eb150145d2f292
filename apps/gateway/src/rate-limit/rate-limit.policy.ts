/** A client's tier, chosen when it is registered. Sandbox clients get ten times the limits (the seed's sandbox). */
export const RATE_LIMIT_TIERS = ['standard', 'sandbox'] as const;
export type RateLimitTier = (typeof RATE_LIMIT_TIERS)[number];

/** Routes that share one per-minute budget. */
export type RouteClass = 'orders-write' | 'orders-read' | 'search' | 'default';

export interface RateLimitSettings {
  perMinute: Record<RouteClass, number>;
  /** One daily budget per client, across all routes. */
  perDay: number;
  /** 150 means a burst may reach 150 % of the per-minute limit. */
  burstPercent: number;
  /** How long after its first request a burst stays open. */
  burstSeconds: number;
  sandboxMultiplier: number;
}

export interface Limits {
  perMinute: number;
  /** Extra requests beyond perMinute a burst allows. */
  burst: number;
  perDay: number;
}

/** The seed's table: POST /orders 100/min, GET /orders 300/min, /search 60/min, everything else 100/min. */
export function routeClassOf(method: string, path: string): RouteClass {
  const normalized = path.replace(/\/+$/, '');
  if (/^\/api\/v1\/search(\/|$)/.test(normalized)) return 'search';
  if (/^\/api\/v1\/orders(\/|$)/.test(normalized)) {
    if (method === 'GET' || method === 'HEAD') return 'orders-read';
    if (method === 'POST' && normalized === '/api/v1/orders') return 'orders-write';
  }
  return 'default';
}

export function limitsFor(settings: RateLimitSettings, routeClass: RouteClass, tier: RateLimitTier): Limits {
  const multiplier = tier === 'sandbox' ? settings.sandboxMultiplier : 1;
  const perMinute = settings.perMinute[routeClass] * multiplier;
  return {
    perMinute,
    burst: Math.floor((perMinute * (settings.burstPercent - 100)) / 100),
    perDay: settings.perDay * multiplier,
  };
}
