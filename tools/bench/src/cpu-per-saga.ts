/** CPU time of the whole stack spent on one step's sagas, per completed saga. */
export interface StepCpu {
  /** From the step's first send until the last of its sagas settled (or the settle deadline). */
  windowSeconds: number;
  /** The step's orders in a terminal state (confirmed or cancelled) at the end of the window. */
  completedSagas: number;
  totalMs: number;
  /** totalMs ÷ completedSagas; NaN when no saga completed. */
  msPerSaga: number;
  /** One entry per process or process group, in the order measured. */
  byProcess: { name: string; ms: number; msPerSaga: number }[];
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Divides the CPU milliseconds each process used over the step's window by the sagas the step completed. The
 * window runs until the step's sagas have settled, so every counted saga's work is inside it; work on sagas
 * still unfinished at the deadline is in the numerator and not the denominator, so a backlog makes the figure
 * worse, never better.
 */
export function cpuPerSaga(cpuMsByProcess: Record<string, number>, completedSagas: number, windowSeconds: number): StepCpu {
  const perSaga = (ms: number) => (completedSagas > 0 ? round(ms / completedSagas, 3) : Number.NaN);
  const byProcess = Object.entries(cpuMsByProcess).map(([name, ms]) => ({ name, ms: round(ms, 0), msPerSaga: perSaga(ms) }));
  const totalMs = Object.values(cpuMsByProcess).reduce((sum, ms) => sum + ms, 0);
  return { windowSeconds: round(windowSeconds, 1), completedSagas, totalMs: round(totalMs, 0), msPerSaga: perSaga(totalMs), byProcess };
}

/** CPU % of one core over a span, from the milliseconds used in it. */
export function cpuPercent(cpuMs: number, seconds: number): number {
  return seconds > 0 ? round((cpuMs / (seconds * 1000)) * 100, 1) : Number.NaN;
}
