import { AbUsageError, parseAbOptions } from './ab-options';

describe('bench:ab options', () => {
  it('reads "--name value" and "--name=value" and defaults to 2 rounds of 60 s at 100/s', () => {
    expect(parseAbOptions(['--base', '4939d48', '--head=HEAD'])).toEqual({
      base: '4939d48',
      head: 'HEAD',
      rate: 100,
      duration: 60,
      warmup: 10,
      rounds: 2,
      worktreeRoot: '/tmp/order-saga-ab',
      benchArgs: [],
    });
    expect(parseAbOptions(['--base', 'a', '--head', 'b', '--rate', '200', '--duration=20', '--rounds', '1', '--warmup', '0'])).toMatchObject({
      rate: 200,
      duration: 20,
      rounds: 1,
      warmup: 0,
    });
  });

  it('passes extra bench options through, but not the ones that must be equal in every run', () => {
    expect(parseAbOptions(['--base=a', '--head=b', '--bench-arg=--log-level=warn']).benchArgs).toEqual(['--log-level=warn']);
    expect(() => parseAbOptions(['--base=a', '--head=b', '--bench-arg=--rates=50'])).toThrow(/set by bench:ab itself/);
    expect(() => parseAbOptions(['--base=a', '--head=b', '--bench-arg=--sut=/x'])).toThrow(/set by bench:ab itself/);
  });

  it('refuses a missing commit, a fractional round count and an unknown option', () => {
    expect(() => parseAbOptions(['--head=b'])).toThrow(AbUsageError);
    expect(() => parseAbOptions(['--base=a', '--head=b', '--rounds=1.5'])).toThrow(/--rounds must be a whole number/);
    expect(() => parseAbOptions(['--base=a', '--head=b', '--turbo=1'])).toThrow(/unknown option --turbo/);
    expect(() => parseAbOptions(['--base=a', '--head'])).toThrow(/--head needs a value/);
  });
});
