import { cpuPerSaga } from '../cpu-per-saga';
import type { StepResult } from '../load-step';
import { AbRun, differencePercent, formatRuns, formatSummary, median, referenceSpeed, summarize } from './ab-report';

function step(sagasPerSecond: number, cpuMs: Record<string, number>, p99: number, overrides: Partial<StepResult> = {}): StepResult {
  const completed = sagasPerSecond * 60;
  return {
    offeredRate: 100,
    seconds: 60,
    sent: completed,
    achievedRate: 100,
    latencyMs: { count: completed, p50: p99 / 4, p95: p99 / 2, p99, max: p99 * 2, mean: p99 / 4 },
    admittedLatencyMs: { count: completed, p50: p99 / 4, p95: p99 / 2, p99, max: p99 * 2, mean: p99 / 4 },
    maxSendLagMs: 1,
    statuses: { '201': completed },
    unexpected: 0,
    shed: 0,
    orders: { total: completed, pending: 0, confirmed: completed, cancelled: 0, spanSeconds: 60 },
    completedSagasPerSecond: sagasPerSecond,
    confirmedPerSecond: sagasPerSecond,
    processes: [],
    cpu: cpuPerSaga(cpuMs, completed, 61),
    ...overrides,
  };
}

// 100 sagas/s for 60 s = 6000 sagas; 6000 ms of CPU = 1 ms/saga.
const runs: AbRun[] = [
  { round: 1, side: 'base', commit: '4939d48aaaaaaaaa', step: step(100, { 'order-service': 6000 * 20, postgres: 6000 * 10 }, 400) },
  { round: 1, side: 'head', commit: 'f00dfeedbbbbbbbb', step: step(100, { 'order-service': 6000 * 5, postgres: 6000 * 3 }, 100) },
  { round: 2, side: 'base', commit: '4939d48aaaaaaaaa', step: step(100, { 'order-service': 6000 * 22, postgres: 6000 * 10 }, 600) },
  { round: 2, side: 'head', commit: 'f00dfeedbbbbbbbb', step: step(100, { 'order-service': 6000 * 7, postgres: 6000 * 3 }, 140) },
];

describe('A/B report', () => {
  it('takes the median, averaging the middle two of an even count and skipping NaN', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
  });

  it('gives the difference of head against base in percent', () => {
    expect(differencePercent(32, 8)).toBe(-75);
    expect(differencePercent(50, 60)).toBe(20);
    expect(differencePercent(0, 5)).toBeNaN();
  });

  it('compares the median of each side, for the total and for every process', () => {
    const rows = Object.fromEntries(summarize(runs).map((row) => [row.figure, row]));

    expect(rows['CPU ms/saga']).toEqual({ figure: 'CPU ms/saga', base: 31, head: 9, differencePercent: ((9 - 31) / 31) * 100 });
    expect(rows['order-service CPU ms/saga']).toMatchObject({ base: 21, head: 6 });
    expect(rows['p99 ms']).toMatchObject({ base: 500, head: 120, differencePercent: -76 });
    expect(rows['sagas/s']).toMatchObject({ base: 100, head: 100, differencePercent: 0 });
  });

  it('prints one row per run in the order run, with errors, shed and unfinished', () => {
    const lines = formatRuns([
      ...runs.slice(0, 1),
      {
        ...runs[1],
        step: step(90, { postgres: 5400 }, 100, {
          unexpected: 3,
          shed: 2,
          orders: { total: 5400, pending: 4, confirmed: 5396, cancelled: 0, spanSeconds: 60 },
        }),
      },
    ]).split('\n');

    expect(lines[0]).toMatch(
      /^\| round \| side +\| commit +\| sagas\/s \| CPU ms\/saga \| machine probe ms \| CPU ms\/saga at one speed \| order-service ms\/saga \| postgres ms\/saga \| p50 ms \| p95 ms \| p99 ms \| errors \| shed \| unfinished \|$/,
    );
    expect(lines[2]).toMatch(
      /^\| 1 +\| base \| 4939d48aa \| 100\.0 +\| 30\.00 +\| – +\| – +\| 20\.00 +\| 10\.00 +\| 100 +\| 200 +\| 400 +\| 0 +\| 0 +\| 0 +\|$/,
    );
    expect(lines[3]).toMatch(/\| 1 +\| head \| f00dfeedb \| 90\.0 .*\| – +\| 1\.00 .*\| 3 +\| 2 +\| 4 +\|$/);
  });

  it('puts every run at the mean machine speed, so a slower machine is not read as a costlier commit', () => {
    // The same cost per unit of work: base ran on a machine 25 % slower than head's.
    const slowBase: AbRun = { ...runs[0], step: step(100, { 'order-service': 6000 * 10 }, 100, { machineSpeed: { samples: 40, unitCpuMs: 40 } }) };
    const fastHead: AbRun = { ...runs[1], step: step(100, { 'order-service': 6000 * 8 }, 100, { machineSpeed: { samples: 40, unitCpuMs: 32 } }) };
    const rows = Object.fromEntries(summarize([slowBase, fastHead]).map((row) => [row.figure, row]));

    expect(referenceSpeed([slowBase, fastHead])).toBe(36);
    expect(rows['CPU ms/saga']).toMatchObject({ base: 10, head: 8, differencePercent: -20 });
    expect(rows['CPU ms/saga at one machine speed'].base).toBeCloseTo(9, 10);
    expect(rows['CPU ms/saga at one machine speed'].head).toBeCloseTo(9, 10);
    expect(rows['CPU ms/saga at one machine speed'].differencePercent).toBeCloseTo(0, 10);
    expect(formatRuns([slowBase, fastHead]).split('\n')[2]).toMatch(/\| 10\.00 +\| 40\.0 +\| 9\.00 +\|/);
  });

  it('has no speed-adjusted figure for runs without probe readings', () => {
    expect(referenceSpeed(runs)).toBeUndefined();
    expect(summarize(runs).find((row) => row.figure === 'CPU ms/saga at one machine speed')?.base).toBeNaN();
  });

  it('prints the summary with a signed difference', () => {
    expect(formatSummary(summarize(runs))).toMatch(/\| CPU ms\/saga +\| 31\.00 +\| 9\.00 +\| -71\.0 % +\|/);
  });
});
