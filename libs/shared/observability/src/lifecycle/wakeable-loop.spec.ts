import { LoopTimers, WakeableLoop } from './wakeable-loop';

/** A clock that moves only when the test says so; due timers fire in time order as it moves. */
class ManualTimers implements LoopTimers {
  private time = 0;
  private next = 0;
  private readonly due = new Map<number, { at: number; run: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(run: () => void, ms: number): number {
    this.next += 1;
    this.due.set(this.next, { at: this.time + ms, run });
    return this.next;
  }

  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }

  get armed(): number {
    return this.due.size;
  }

  /** Moves the clock by `ms`, firing each timer that falls due on the way and letting the ticks it starts settle. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      const [id, timer] = [...this.due].filter(([, t]) => t.at <= until).sort(([, a], [, b]) => a.at - b.at)[0] ?? [];
      if (id === undefined || !timer) break;
      this.due.delete(id);
      this.time = timer.at;
      timer.run();
      await settle();
    }
    this.time = until;
  }
}

/** Lets promise callbacks run to completion (no time passes on any clock). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A tick the test finishes by hand, recording when each one started. */
function controlledTicks(timers: ManualTimers) {
  const started: number[] = [];
  const pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  return {
    started,
    get running() {
      return pending.length;
    },
    tick: () =>
      new Promise<void>((resolve, reject) => {
        started.push(timers.now());
        pending.push({ resolve, reject });
      }),
    async finish() {
      pending.shift()?.resolve();
      await settle();
    },
    async fail(error: Error) {
      pending.shift()?.reject(error);
      await settle();
    },
  };
}

function loopOn(timers: ManualTimers, tick: () => Promise<unknown>, errors: unknown[] = []) {
  return new WakeableLoop({ tick, intervalMs: 1000, onError: (error) => errors.push(error), timers });
}

describe('WakeableLoop', () => {
  it('ticks every interval, counted from the end of the previous tick', async () => {
    const timers = new ManualTimers();
    const ticks = controlledTicks(timers);
    const loop = loopOn(timers, ticks.tick);
    loop.start();

    await timers.advance(999);
    expect(ticks.started).toEqual([]);
    await timers.advance(1);
    expect(ticks.started).toEqual([1000]);

    await timers.advance(300); // the tick takes 300 ms
    await ticks.finish();
    await timers.advance(999);
    expect(ticks.started).toEqual([1000]);
    await timers.advance(1);
    expect(ticks.started).toEqual([1000, 2300]);
  });

  it('runs a tick at once when woken, and the next poll an interval after it', async () => {
    const timers = new ManualTimers();
    const ticks = controlledTicks(timers);
    const loop = loopOn(timers, ticks.tick);
    loop.start();

    await timers.advance(400);
    loop.wake();
    expect(ticks.started).toEqual([400]);
    await ticks.finish();

    await timers.advance(999);
    expect(ticks.started).toEqual([400]);
    await timers.advance(1);
    expect(ticks.started).toEqual([400, 1400]);
  });

  it('never runs two ticks at once: wake-ups during a tick run exactly one more after it', async () => {
    const timers = new ManualTimers();
    const ticks = controlledTicks(timers);
    const loop = loopOn(timers, ticks.tick);

    loop.wake();
    loop.wake();
    loop.wake();
    expect(ticks.running).toBe(1);

    await ticks.finish();
    expect(ticks.started).toHaveLength(2);
    expect(ticks.running).toBe(1);

    await ticks.finish();
    expect(ticks.started).toHaveLength(2);
    expect(loop.ticking).toBe(false);
  });

  it('with a delay, ticks once that long after the first wake-up; wake-ups within it add nothing', async () => {
    const timers = new ManualTimers();
    const ticks = controlledTicks(timers);
    const loop = loopOn(timers, ticks.tick);
    loop.start();

    loop.wake(50);
    await timers.advance(20);
    loop.wake(50);
    await timers.advance(29);
    expect(ticks.started).toEqual([]);
    await timers.advance(1);
    expect(ticks.started).toEqual([50]);
    await ticks.finish();
    expect(timers.armed).toBe(1); // only the poll, an interval after the tick

    await timers.advance(1000);
    expect(ticks.started).toEqual([50, 1050]);
  });

  it('reports a failed tick and keeps ticking', async () => {
    const timers = new ManualTimers();
    const ticks = controlledTicks(timers);
    const errors: unknown[] = [];
    const loop = loopOn(timers, ticks.tick, errors);
    loop.start();

    loop.wake();
    await ticks.fail(new Error('database unreachable'));
    expect(errors).toEqual([new Error('database unreachable')]);

    await timers.advance(1000);
    expect(ticks.started).toEqual([0, 1000]);
  });

  it('reports a tick that throws before its first await like one that rejects', async () => {
    const timers = new ManualTimers();
    const errors: unknown[] = [];
    const loop = loopOn(
      timers,
      () => {
        throw new Error('bad state');
      },
      errors,
    );

    loop.wake();
    await settle();
    expect(errors).toEqual([new Error('bad state')]);
  });

  it('stop waits for the running tick, and nothing ticks after it', async () => {
    const timers = new ManualTimers();
    const ticks = controlledTicks(timers);
    const loop = loopOn(timers, ticks.tick);
    loop.start();
    loop.wake();
    loop.wake(); // one more was due after this tick

    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);

    await ticks.finish();
    await stopping;
    expect(stopped).toBe(true);

    loop.wake();
    await timers.advance(10_000);
    expect(ticks.started).toEqual([0]);
    expect(timers.armed).toBe(0);
  });

  it('before start, ticks only when woken', async () => {
    const timers = new ManualTimers();
    const ticks = controlledTicks(timers);
    const loop = loopOn(timers, ticks.tick);

    await timers.advance(5000);
    expect(ticks.started).toEqual([]);
    loop.wake();
    await ticks.finish();
    await timers.advance(5000);
    expect(ticks.started).toEqual([5000]);
  });
});
