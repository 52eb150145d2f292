import { formatElapsed, heartbeat } from './progress';

describe('formatElapsed', () => {
  it.each([
    [850, '850 ms'],
    [4_200, '4.2 s'],
    [59_940, '59.9 s'],
    [65_000, '1 min 05 s'],
    [600_000, '10 min 00 s'],
  ])('shows %d ms as %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});

describe('heartbeat', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('logs the elapsed time every interval until stopped, then stays silent', () => {
    let now = 1_000;
    const lines: string[] = [];
    const progress = heartbeat(
      (line) => lines.push(line),
      (elapsed) => `waiting … ${elapsed}`,
      10_000,
      () => now,
    );

    now += 10_000;
    jest.advanceTimersByTime(10_000);
    now += 10_000;
    jest.advanceTimersByTime(10_000);
    now += 3_000;
    expect(progress.stop()).toBe('23.0 s');
    jest.advanceTimersByTime(30_000);

    expect(lines).toEqual(['waiting … 10.0 s', 'waiting … 20.0 s']);
  });
});
