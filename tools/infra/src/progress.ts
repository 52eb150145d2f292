/**
 * Progress lines for the long waits of a first run (jar download, broker start, services booting), so a
 * silent minute never looks like a hang.
 */
export type Log = (line: string) => void;

/** `850 ms`, `4.2 s`, `1 min 05 s`. */
export function formatElapsed(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const seconds = Math.floor(ms / 1_000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

export interface Heartbeat {
  /** Time since the heartbeat started, formatted. Stops the lines. */
  stop(): string;
  elapsed(): string;
}

/**
 * Logs `line(elapsed)` every `everyMs` until stopped. The timer is unref'd: a heartbeat never keeps
 * the process alive on its own.
 */
export function heartbeat(log: Log, line: (elapsed: string) => string, everyMs = 10_000, now: () => number = Date.now): Heartbeat {
  const started = now();
  const elapsed = () => formatElapsed(now() - started);
  const timer = setInterval(() => log(line(elapsed())), everyMs);
  timer.unref();
  return {
    elapsed,
    stop() {
      clearInterval(timer);
      return elapsed();
    },
  };
}
