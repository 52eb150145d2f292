import { table } from '../bench-report';
import type { StepResult } from '../load-step';
import { atSpeed } from '../machine-speed';

export type Side = 'base' | 'head';

/**
 * The speed every run of an A/B is put at: the mean of their machine probe readings (machine-speed.ts).
 * Undefined when no run has one (results from before the probe).
 */
export function referenceSpeed(runs: AbRun[]): number | undefined {
  const readings = runs.flatMap((run) => (run.step.machineSpeed ? [run.step.machineSpeed.unitCpuMs] : []));
  return readings.length ? readings.reduce((sum, value) => sum + value, 0) / readings.length : undefined;
}

/** The run's CPU ms per saga as it would have read at `reference` (NaN without a probe reading). */
export function cpuAtSpeed(run: AbRun, reference: number | undefined): number {
  return reference === undefined ? Number.NaN : (atSpeed(run.step.cpu.msPerSaga, run.step.machineSpeed, reference) ?? Number.NaN);
}

/** One measured run of an A/B: one side's fresh stack, one step. */
export interface AbRun {
  round: number;
  side: Side;
  commit: string;
  step: StepResult;
}

/** The figures an A/B compares, from one run's step. */
export interface AbFigures {
  sagasPerSecond: number;
  cpuMsPerSaga: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Per process (service, kafka, postgres, …): CPU ms per completed saga. */
  cpuMsPerSagaByProcess: Record<string, number>;
}

export function figuresOf(step: StepResult): AbFigures {
  return {
    sagasPerSecond: step.completedSagasPerSecond,
    cpuMsPerSaga: step.cpu.msPerSaga,
    p50Ms: step.admittedLatencyMs.p50,
    p95Ms: step.admittedLatencyMs.p95,
    p99Ms: step.admittedLatencyMs.p99,
    cpuMsPerSagaByProcess: Object.fromEntries(step.cpu.byProcess.map((usage) => [usage.name, usage.msPerSaga])),
  };
}

/** The median of the finite values; NaN when there are none. */
export function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** (head − base) ÷ base in %; NaN when the base is zero or missing. */
export function differencePercent(base: number, head: number): number {
  return Number.isFinite(base) && Number.isFinite(head) && base !== 0 ? ((head - base) / base) * 100 : Number.NaN;
}

export interface AbSummaryRow {
  figure: string;
  base: number;
  head: number;
  differencePercent: number;
}

/** Median per side of every figure, and head against base in %. A run that completed nothing gives NaN figures, which the median skips. */
export function summarize(runs: AbRun[]): AbSummaryRow[] {
  const figures = (side: Side) => runs.filter((run) => run.side === side).map((run) => figuresOf(run.step));
  const base = figures('base');
  const head = figures('head');
  const row = (figure: string, pick: (figures: AbFigures) => number): AbSummaryRow => {
    const baseMedian = median(base.map(pick));
    const headMedian = median(head.map(pick));
    return { figure, base: baseMedian, head: headMedian, differencePercent: differencePercent(baseMedian, headMedian) };
  };
  const processNames = [...new Set([...base, ...head].flatMap((figures) => Object.keys(figures.cpuMsPerSagaByProcess)))];
  const reference = referenceSpeed(runs);
  const atOneSpeed = (side: Side) => median(runs.filter((run) => run.side === side).map((run) => cpuAtSpeed(run, reference)));
  const adjusted = { base: atOneSpeed('base'), head: atOneSpeed('head') };
  return [
    row('sagas/s', (figures) => figures.sagasPerSecond),
    row('CPU ms/saga', (figures) => figures.cpuMsPerSaga),
    { figure: 'CPU ms/saga at one machine speed', ...adjusted, differencePercent: differencePercent(adjusted.base, adjusted.head) },
    row('p50 ms', (figures) => figures.p50Ms),
    row('p95 ms', (figures) => figures.p95Ms),
    row('p99 ms', (figures) => figures.p99Ms),
    ...processNames.map((name) => row(`${name} CPU ms/saga`, (figures) => figures.cpuMsPerSagaByProcess[name] ?? Number.NaN)),
  ];
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const signedPercent = (value: number) => (Number.isFinite(value) ? `${value > 0 ? '+' : ''}${value.toFixed(1)} %` : '–');

/** One row per run, in the order run: what each fresh stack measured. */
export function formatRuns(runs: AbRun[]): string {
  const processNames = [...new Set(runs.flatMap((run) => run.step.cpu.byProcess.map((usage) => usage.name)))];
  const reference = referenceSpeed(runs);
  return table(
    [
      'round',
      'side',
      'commit',
      'sagas/s',
      'CPU ms/saga',
      'machine probe ms',
      'CPU ms/saga at one speed',
      ...processNames.map((name) => `${name} ms/saga`),
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'errors',
      'shed',
      'unfinished',
    ],
    runs.map((run) => {
      const figures = figuresOf(run.step);
      return [
        String(run.round),
        run.side,
        run.commit.slice(0, 9),
        fixed(figures.sagasPerSecond, 1),
        fixed(figures.cpuMsPerSaga, 2),
        fixed(run.step.machineSpeed?.unitCpuMs ?? Number.NaN, 1),
        fixed(cpuAtSpeed(run, reference), 2),
        ...processNames.map((name) => fixed(figures.cpuMsPerSagaByProcess[name] ?? Number.NaN, 2)),
        fixed(figures.p50Ms, 0),
        fixed(figures.p95Ms, 0),
        fixed(figures.p99Ms, 0),
        String(run.step.unexpected),
        String(run.step.shed),
        String(run.step.orders.pending),
      ];
    }),
  );
}

/** Median per side and the difference; lower is better for every figure but sagas/s. */
export function formatSummary(rows: AbSummaryRow[]): string {
  return table(
    ['figure (median per side)', 'base', 'head', 'head vs base'],
    rows.map((row) => [row.figure, fixed(row.base, 2), fixed(row.head, 2), signedPercent(row.differencePercent)]),
  );
}
