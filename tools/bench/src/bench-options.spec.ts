import { FULL_DEFAULTS, parseBenchOptions, SMOKE_DEFAULTS, UsageError } from './bench-options';

describe('bench options', () => {
  it('runs the six documented rates, the throughput target of 250/s among them, for 20 s each by default', () => {
    const options = parseBenchOptions([]);

    expect(options).toEqual(FULL_DEFAULTS);
    expect(options.rates).toEqual([25, 50, 100, 200, 250, 300]);
    expect(options.stepSeconds).toBe(20);
  });

  it('smoke mode is a few seconds at a low rate with no floor and no warm-up', () => {
    const options = parseBenchOptions(['--smoke']);

    expect(options).toEqual(SMOKE_DEFAULTS);
    expect(options.rates).toEqual([10]);
    expect(options.stepSeconds * options.rates[0]).toBe(40);
  });

  it('reads rates, durations, profiling and per-service environment', () => {
    const options = parseBenchOptions([
      '--rates=50,150',
      '--step-seconds=5',
      '--warmup-seconds=0',
      '--cpu-prof=gateway,order-service',
      '--alloc-prof=order-service',
      '--env=order-service:DATABASE_POOL_SIZE=20',
      '--env=order-service:LOG_LEVEL=warn',
      '--label=pool 20',
    ]);

    expect(options.rates).toEqual([50, 150]);
    expect(options.stepSeconds).toBe(5);
    expect(options.warmupSeconds).toBe(0);
    expect(options.cpuProfile).toEqual(['gateway', 'order-service']);
    expect(options.allocationProfile).toEqual(['order-service']);
    expect(options.serviceEnv).toEqual({ 'order-service': { DATABASE_POOL_SIZE: '20', LOG_LEVEL: 'warn' } });
    expect(options.label).toBe('pool 20');
  });

  it('runs the services compiled, as deployed, unless asked for the TypeScript source', () => {
    expect(parseBenchOptions([]).runtime).toBe('dist');
    expect(parseBenchOptions(['--smoke']).runtime).toBe('dist');
    expect(parseBenchOptions(['--runtime=source']).runtime).toBe('source');
    expect(() => parseBenchOptions(['--runtime=bun'])).toThrow(/--runtime must be dist or source, got "bun"/);
  });

  it('refuses a rate that is not a positive number, naming the option', () => {
    expect(() => parseBenchOptions(['--rates=50,fast'])).toThrow(/--rates must be a number > 0, got "fast"/);
    expect(() => parseBenchOptions(['--rates=0'])).toThrow(UsageError);
  });

  it('refuses an unknown service and an unknown option', () => {
    expect(() => parseBenchOptions(['--cpu-prof=billing'])).toThrow(/unknown service "billing"/);
    expect(() => parseBenchOptions(['--turbo'])).toThrow(/unknown option --turbo/);
  });

  it('does not let one run change the defaults of the next', () => {
    parseBenchOptions(['--env=gateway:X=1']);

    expect(parseBenchOptions([]).serviceEnv).toEqual({});
  });

  it('measures one step quickly: --duration is the step length', () => {
    const options = parseBenchOptions(['--rates=100', '--duration=60', '--warmup-seconds=10', '--floor-rounds=0']);

    expect(options).toMatchObject({ rates: [100], stepSeconds: 60, warmupSeconds: 10, floorRounds: 0 });
  });

  it('measures another checkout, compiled there or already compiled, but only as compiled services on a stack it starts', () => {
    expect(parseBenchOptions(['--sut=/tmp/wt-base', '--dist=/tmp/wt-base/tmp/bench-dist/x'])).toMatchObject({
      systemUnderTest: '/tmp/wt-base',
      prebuiltDist: '/tmp/wt-base/tmp/bench-dist/x',
    });
    expect(() => parseBenchOptions(['--sut=/tmp/wt-base', '--runtime=source'])).toThrow(/not with --runtime=source/);
    expect(() => parseBenchOptions(['--dist=/tmp/d', '--attach'])).toThrow(/not with --attach/);
    expect(() => parseBenchOptions(['--sut='])).toThrow(/--sut needs/);
  });
});
