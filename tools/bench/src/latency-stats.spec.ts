import { maxOf, median, percentile, summarize } from './latency-stats';

describe('latency statistics', () => {
  it('takes nearest-rank percentiles, so p99 of 100 samples is the 99th smallest', () => {
    const samples = Array.from({ length: 100 }, (_, index) => index + 1);

    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 95)).toBe(95);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
  });

  it('summarizes unsorted samples with the true maximum and mean', () => {
    const summary = summarize([30, 10, 20, 1000]);

    expect(summary).toEqual({ count: 4, p50: 20, p95: 1000, p99: 1000, max: 1000, mean: 265 });
  });

  it('reports NaN rather than zero for a step without samples', () => {
    const summary = summarize([]);

    expect(summary.count).toBe(0);
    expect(summary.p50).toBeNaN();
    expect(summary.max).toBeNaN();
  });

  it('takes the lower middle value as the median of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2);
  });

  it('takes the largest of more values than a spread call can pass (a 30-minute step at 100/s)', () => {
    const values = Array.from({ length: 500_000 }, (_, index) => (index * 7919) % 500_000);
    expect(maxOf(values)).toBe(499_999);
    expect(maxOf([])).toBe(Number.NEGATIVE_INFINITY);
  });
});
