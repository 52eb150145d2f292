/** The clock and timers a WakeableLoop runs on: the system's, or a test's own. */
export interface LoopTimers {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Real time. The timers are unref'd: a loop never keeps a process alive by itself; its owner stops it at shutdown. */
export const SYSTEM_TIMERS: LoopTimers = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface WakeableLoopOptions {
  /** One round of the work: a sweep, a drain, a claim. */
  tick: () => Promise<unknown>;
  /** Time from the end of one tick to the next when nothing wakes the loop sooner: the backstop poll. */
  intervalMs: number;
  /** Told of a tick that failed; the loop goes on and the next tick retries. The owner logs it. */
  onError: (error: unknown) => void;
  timers?: LoopTimers;
}

/**
 * The one background loop of the services: the outbox relay's drains and retention sweeps, the webhook
 * deliveries' claims, the saga deadline and reservation expiry sweeps. It runs `tick` one at a time,
 * `intervalMs` after the previous tick ended, and sooner when woken: `wake()` after a local commit made
 * work, `wake(ms)` to let more such commits gather first. A wake-up during a tick runs exactly one more
 * tick after it, however many came, so work committed while a tick ran is never left to the poll.
 */
export class WakeableLoop {
  private readonly timers: LoopTimers;
  private current: Promise<void> | undefined;
  private again = false;
  private timer: unknown;
  private dueAt = Number.POSITIVE_INFINITY;
  private started = false;
  private stopped = false;

  constructor(private readonly options: WakeableLoopOptions) {
    this.timers = options.timers ?? SYSTEM_TIMERS;
  }

  /** Whether a tick is running now. */
  get ticking(): boolean {
    return this.current !== undefined;
  }

  /** Starts the periodic ticks: the first one `intervalMs` from now (`wake()` for one at once). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    if (!this.current) this.schedule(this.options.intervalMs);
  }

  /** Runs a tick now, or once the running one ends; with `afterMs`, no later than that from now. */
  wake(afterMs = 0): void {
    if (this.stopped) return;
    if (afterMs > 0) return this.schedule(afterMs);
    if (this.current) {
      this.again = true;
      return;
    }
    this.run();
  }

  /** Resolves once no tick is running (for tests and orderly hand-over). */
  async idle(): Promise<void> {
    while (this.current) await this.current;
  }

  /** No tick starts after this; resolves once the running one, if any, has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.again = false;
    this.clearTimer();
    await this.idle();
  }

  private run(): void {
    this.clearTimer();
    this.current = (async () => {
      await this.options.tick();
    })()
      .catch((error: unknown) => this.options.onError(error))
      .finally(() => {
        this.current = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.run();
        } else if (this.started) {
          this.schedule(this.options.intervalMs);
        }
      });
  }

  /** Arms the timer for `ms` from now, unless it is already armed for sooner. */
  private schedule(ms: number): void {
    const at = this.timers.now() + ms;
    if (this.timer !== undefined && this.dueAt <= at) return;
    this.clearTimer();
    this.dueAt = at;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.dueAt = Number.POSITIVE_INFINITY;
      this.wake();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.dueAt = Number.POSITIVE_INFINITY;
  }
}
