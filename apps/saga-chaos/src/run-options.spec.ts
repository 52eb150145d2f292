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
});
