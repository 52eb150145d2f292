import { limitsFor, RateLimitSettings, routeClassOf } from './rate-limit.policy';

const seed: RateLimitSettings = {
  perMinute: { 'orders-write': 100, 'orders-read': 300, search: 60, default: 100 },
  perDay: 10_000,
  burstPercent: 150,
  burstSeconds: 30,
  sandboxMultiplier: 10,
};

describe('routeClassOf', () => {
  it('puts order placement, order reads and search in their own budgets', () => {
    expect(routeClassOf('POST', '/api/v1/orders')).toBe('orders-write');
    expect(routeClassOf('POST', '/api/v1/orders/')).toBe('orders-write');
    expect(routeClassOf('GET', '/api/v1/orders')).toBe('orders-read');
    expect(routeClassOf('GET', '/api/v1/orders/ORD-1/track')).toBe('orders-read');
    expect(routeClassOf('GET', '/api/v1/search')).toBe('search');
    expect(routeClassOf('GET', '/api/v1/search/orders')).toBe('search');
  });

  it('charges every other route to the default budget', () => {
    expect(routeClassOf('POST', '/api/v1/orders/ORD-1/cancel')).toBe('default');
    expect(routeClassOf('GET', '/api/v1/customers')).toBe('default');
    expect(routeClassOf('GET', '/api/v1/ordersX')).toBe('default');
  });
});

describe('limitsFor', () => {
  it('gives a standard client the seed limits with a 50 % burst allowance', () => {
    expect(limitsFor(seed, 'orders-write', 'standard')).toEqual({ perMinute: 100, burst: 50, perDay: 10_000 });
    expect(limitsFor(seed, 'search', 'standard')).toEqual({ perMinute: 60, burst: 30, perDay: 10_000 });
  });

  it('gives a sandbox client ten times every limit', () => {
    expect(limitsFor(seed, 'orders-read', 'sandbox')).toEqual({ perMinute: 3000, burst: 1500, perDay: 100_000 });
  });

  it('rounds a fractional burst down, so the burst never exceeds the configured percentage', () => {
    expect(limitsFor({ ...seed, perMinute: { ...seed.perMinute, default: 3 } }, 'default', 'standard').burst).toBe(1);
  });
});
