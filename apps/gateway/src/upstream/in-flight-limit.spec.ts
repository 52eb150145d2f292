import { InFlightLimit } from './in-flight-limit';
import { UpstreamMetrics } from './upstream.metrics';

const metrics = new UpstreamMetrics();
const { inFlight: upstreamInFlight, shed: upstreamShed } = metrics;

async function metricValue(metric: typeof upstreamInFlight | typeof upstreamShed, limit: string): Promise<number | undefined> {
  return (await metric.get()).values.find((sample) => sample.labels.limit === limit)?.value;
}

describe('InFlightLimit', () => {
  it('hands out max slots, refuses the next, and hands one out again once a slot is released', () => {
    const limit = new InFlightLimit('unit-reuse', 2, metrics);

    const first = limit.tryAcquire();
    const second = limit.tryAcquire();
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(limit.tryAcquire()).toBeUndefined();

    first?.();
    expect(limit.current).toBe(1);
    expect(limit.tryAcquire()).toBeDefined();
    expect(limit.tryAcquire()).toBeUndefined();
  });

  it('admits while a slot is free, without taking it, and counts a shed when none is', async () => {
    const limit = new InFlightLimit('unit-admits', 1, metrics);

    expect(limit.admits()).toBe(true);
    expect(limit.current).toBe(0);
    limit.tryAcquire();
    expect(limit.admits()).toBe(false);
    expect(await metricValue(upstreamShed, 'unit-admits')).toBe(1);
  });

  it('frees a slot once however often its release is called', () => {
    const limit = new InFlightLimit('unit-double-release', 2, metrics);
    const release = limit.tryAcquire();
    limit.tryAcquire();

    release?.();
    release?.();

    expect(limit.current).toBe(1);
    expect(limit.tryAcquire()).toBeDefined();
    expect(limit.tryAcquire()).toBeUndefined();
  });

  it('reports calls in flight and refusals as metrics labelled with its name, both present from the start', async () => {
    const limit = new InFlightLimit('unit-metrics', 1, metrics);
    expect(await metricValue(upstreamInFlight, 'unit-metrics')).toBe(0);
    expect(await metricValue(upstreamShed, 'unit-metrics')).toBe(0);

    const release = limit.tryAcquire();
    limit.tryAcquire();
    limit.tryAcquire();
    expect(await metricValue(upstreamInFlight, 'unit-metrics')).toBe(1);
    expect(await metricValue(upstreamShed, 'unit-metrics')).toBe(2);

    release?.();
    expect(await metricValue(upstreamInFlight, 'unit-metrics')).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a bound of %p', (max) => {
    expect(() => new InFlightLimit('unit-invalid', max, metrics)).toThrow(/positive integer/);
  });
});
