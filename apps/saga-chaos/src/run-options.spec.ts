import { parseRunOptions } from './run-options';

describe('parseRunOptions', () => {
  it('runs the long form on one broker by default', () => {
    const options = parseRunOptions([], { CHAOS_SEED: '7' });

    expect(options).toMatchObject({ variant: 'single', short: false, orders: 500, seed: 7 });
  });

  it('takes the CI form, the cluster variant and an order count from flags over the environment', () => {
    const options = parseRunOptions(['--short', '--cluster', '--orders=150'], { CHAOS_ORDERS: '2000', CHAOS_SEED: '1' });

    expect(options).toMatchObject({ variant: 'cluster', short: true, orders: 150 });
  });

  it('reads CHAOS_ORDERS for the long form', () => {
    expect(parseRunOptions([], { CHAOS_ORDERS: '2000', CHAOS_SEED: '1' }).orders).toBe(2000);
  });

  it('refuses unknown options and bad numbers, naming them', () => {
    expect(() => parseRunOptions(['--fast'], {})).toThrow(/unknown option --fast/);
    expect(() => parseRunOptions([], { CHAOS_ORDERS: 'lots' })).toThrow(/CHAOS_ORDERS must be an integer ≥ 10, got "lots"/);
  });

  it('drives at a chosen rate from --rate or CHAOS_RATE, with an in-flight cap high enough not to close the loop', () => {
    expect(parseRunOptions(['--rate=50'], { CHAOS_SEED: '1' })).toMatchObject({ rate: 50, concurrency: 4000 });
    expect(parseRunOptions([], { CHAOS_RATE: '75', CHAOS_SEED: '1' }).rate).toBe(75);
    expect(parseRunOptions(['--rate=50', '--concurrency=500'], { CHAOS_SEED: '1' }).concurrency).toBe(500);
  });

  it('keeps the closed loop of 12 clients without a rate', () => {
    expect(parseRunOptions([], { CHAOS_SEED: '1' })).toMatchObject({ rate: undefined, concurrency: 12 });
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => parseRunOptions(['--rate=0'], {})).toThrow(/--rate must be a number of orders\/s > 0, got "0"/);
    expect(() => parseRunOptions([], { CHAOS_RATE: 'fast' })).toThrow(/CHAOS_RATE must be/);
  });
});
