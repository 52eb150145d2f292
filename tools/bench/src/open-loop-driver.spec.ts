import { arrivalsIn, Clock, dueOffsetMs, runOpenLoop } from './open-loop-driver';

/** A clock that only moves when the driver sleeps (or a request "takes time"), so timings are exact. */
class ManualClock implements Clock {
  time = 1000;
  /** Extra time each sleep overshoots by, like a busy event loop waking up late. */
  oversleepMs = 0;
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    // Answers already resolved are read before time moves on, as on a real event loop.
    await new Promise((resolve) => setImmediate(resolve));
    this.time += ms + this.oversleepMs;
  }
}

describe('open-loop driver', () => {
  it('spaces arrivals evenly at the offered rate', () => {
    expect(dueOffsetMs(0, 50)).toBe(0);
    expect(dueOffsetMs(1, 50)).toBe(20);
    expect(dueOffsetMs(50, 50)).toBe(1000);
    expect(arrivalsIn(20_000, 300)).toBe(6000);
    expect(arrivalsIn(1000, 3)).toBe(3);
  });

  it('sends every request at its due time while earlier ones are still unanswered', async () => {
    const clock = new ManualClock();
    const sentAt: number[] = [];
    const pending: Array<() => void> = [];
    const run = runOpenLoop({
      ratePerSecond: 10,
      durationMs: 500,
      clock,
      send: (index) => {
        sentAt.push(clock.now());
        // No request answers until all five have been sent: a closed loop would have sent only one.
        return new Promise<number>((resolve) => pending.push(() => resolve(index)));
      },
    });
    while (pending.length < 5) await new Promise((resolve) => setImmediate(resolve));
    pending.forEach((answer) => answer());
    const completions = await run;

    expect(sentAt).toEqual([1000, 1100, 1200, 1300, 1400]);
    expect(completions.map((completion) => completion.outcome)).toEqual([0, 1, 2, 3, 4]);
  });

  it('counts a late send against latency, measured from the due time', async () => {
    const clock = new ManualClock();
    clock.oversleepMs = 30;
    const completions = await runOpenLoop({
      ratePerSecond: 10,
      durationMs: 300,
      clock,
      send: async () => {
        clock.time += 5;
        return 'ok';
      },
    });

    // Request 1 was due at +100 but the driver woke 30 ms late: 30 ms lag plus 5 ms service time.
    expect(completions[1].sendLagMs).toBe(30);
    expect(completions[1].latencyMs).toBe(35);
    expect(completions.map((completion) => completion.index)).toEqual([0, 1, 2]);
  });

  it('sends the whole backlog after a stalled wake-up instead of skipping arrivals', async () => {
    const clock = new ManualClock();
    clock.oversleepMs = 250;
    const completions = await runOpenLoop({ ratePerSecond: 100, durationMs: 100, firstIndex: 500, clock, send: async (index) => index });

    expect(completions).toHaveLength(10);
    expect(completions[9].index).toBe(509);
    expect(Math.max(...completions.map((completion) => completion.sendLagMs))).toBeGreaterThanOrEqual(250);
  });
});
