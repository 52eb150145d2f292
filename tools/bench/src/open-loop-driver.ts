/**
 * Open-loop load at a fixed arrival rate. Request i is due at start + i / rate, whether or not earlier
 * requests have answered; a slow system therefore builds a queue instead of slowing the generator down.
 * Latency is measured from the DUE time, not from when the request actually left: if the generator (or
 * the connection pool) is late, that lateness is the system's queueing delay and is counted, which is
 * what avoids coordinated omission.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Resolves after about `ms`; the driver never relies on its precision. */
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface Completion<T> {
  index: number;
  /** ms from the due time to the answer. */
  latencyMs: number;
  /** ms the request left after its due time (generator lag; already included in latencyMs). */
  sendLagMs: number;
  outcome: T;
}

export interface OpenLoopOptions<T> {
  ratePerSecond: number;
  durationMs: number;
  /** Index of the first request, so steps of one run number their requests apart. */
  firstIndex?: number;
  send(index: number): Promise<T>;
  clock?: Clock;
}

/** Offset (ms from the start) at which request `i` is due. */
export function dueOffsetMs(i: number, ratePerSecond: number): number {
  return (i * 1000) / ratePerSecond;
}

/** How many requests a step of this length sends: the arrivals at offsets [0, duration). */
export function arrivalsIn(durationMs: number, ratePerSecond: number): number {
  return Math.ceil((durationMs * ratePerSecond) / 1000);
}

/** Sends every request of the step at its due time and resolves once all of them have answered. */
export async function runOpenLoop<T>(options: OpenLoopOptions<T>): Promise<Completion<T>[]> {
  const clock = options.clock ?? realClock;
  const total = arrivalsIn(options.durationMs, options.ratePerSecond);
  const firstIndex = options.firstIndex ?? 0;
  const start = clock.now();
  const inFlight: Promise<Completion<T>>[] = [];
  let next = 0;
  while (next < total) {
    const now = clock.now();
    // Everything due by now goes out at once: after a late wake-up the backlog is sent, not skipped.
    while (next < total && start + dueOffsetMs(next, options.ratePerSecond) <= now) {
      const due = start + dueOffsetMs(next, options.ratePerSecond);
      const index = firstIndex + next;
      const sentAt = clock.now();
      inFlight.push(options.send(index).then((outcome) => ({ index, latencyMs: clock.now() - due, sendLagMs: sentAt - due, outcome })));
      next += 1;
    }
    if (next < total) {
      await clock.sleep(Math.max(0, start + dueOffsetMs(next, options.ratePerSecond) - clock.now()));
    }
  }
  return Promise.all(inFlight);
}
