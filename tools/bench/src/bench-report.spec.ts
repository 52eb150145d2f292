import { BenchResult, Floor, floorRatio, formatCpuPerSaga, formatReport, judgeTargets } from './bench-report';
import { cpuPerSaga } from './cpu-per-saga';
import type { LatencySummary } from './latency-stats';
import type { StepResult } from './load-step';

const floor: Floor = {
  kafkaRoundTrip: { samples: 200, medianMs: 5, p95Ms: 9, p99Ms: 12 },
  postgresCommit: { samples: 200, medianMs: 0.3, p95Ms: 0.5, p99Ms: 1 },
  criticalPathMs: 10,
};

function latency(count: number, p50: number, p99: number): LatencySummary {
  return { count, p50, p95: p99 * 0.5, p99, max: p99 * 2, mean: p50 };
}

function step(offeredRate: number, overrides: Partial<StepResult> = {}): StepResult {
  return {
    offeredRate,
    seconds: 20,
    sent: offeredRate * 20,
    achievedRate: offeredRate,
    latencyMs: { count: offeredRate * 20, p50: 15, p95: 60, p99: 150, max: 300, mean: 20 },
    admittedLatencyMs: { count: offeredRate * 20, p50: 15, p95: 60, p99: 150, max: 300, mean: 20 },
    maxSendLagMs: 2,
    statuses: { '201': offeredRate * 18, '402': offeredRate, '409': offeredRate },
    unexpected: 0,
    shed: 0,
    orders: { total: offeredRate * 20, pending: 0, confirmed: offeredRate * 18, cancelled: offeredRate * 2, spanSeconds: 20 },
    completedSagasPerSecond: offeredRate,
    confirmedPerSecond: offeredRate * 0.9,
    processes: [
      { name: 'order-service', pid: 1, cpuPercent: 40, rssPeakMb: 150, rssEndMb: 140 },
      { name: 'kafka', pid: 2, cpuPercent: 30, rssPeakMb: 900, rssEndMb: 900 },
      { name: 'postgres', pid: 0, cpuPercent: 50, rssPeakMb: Number.NaN, rssEndMb: Number.NaN },
    ],
    cpu: cpuPerSaga({ 'order-service': offeredRate * 20 * 4, kafka: offeredRate * 20 * 3, postgres: offeredRate * 20 * 5 }, offeredRate * 20, 21),
    ...overrides,
  };
}

/** 100/s for 20 s where the gateway shed 1600 of the 2000 orders in ~1 ms each; the 400 admitted are slow. */
const shedding100 = step(100, {
  latencyMs: latency(2000, 1, 3000),
  admittedLatencyMs: latency(400, 1200, 3000),
  statuses: { '201': 360, '402': 20, '409': 20, '503': 1600 },
  unexpected: 1600,
  shed: 1600,
});

function result(steps: StepResult[]): BenchResult {
  return {
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:05:00.000Z',
    label: '',
    machine: { cpus: 2, node: 'v20', loadAverageBefore: [1, 1, 1], loadAverageAfter: [2, 2, 2] },
    settings: {},
    floor,
    steps,
    targets: [],
  };
}

/** The cells of the step table's row for `offeredRate`, keyed by column header. */
function stepRow(text: string, offeredRate: number): Record<string, string> {
  const lines = text.split('\n');
  const headerIndex = lines.findIndex((line) => line.startsWith('| offered/s ') && line.includes('sagas/s'));
  const cells = (line: string) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
  const header = cells(lines[headerIndex]);
  const row = lines.slice(headerIndex + 2).find((line) => cells(line)[0] === String(offeredRate));
  if (!row) throw new Error(`no row for ${offeredRate}/s`);
  return Object.fromEntries(header.map((title, column) => [title, cells(row)[column]]));
}

describe('bench report', () => {
  // Verdicts in order: CPU per saga, throughput, p99 at 100/s, p99 at 200/s, RSS.
  const fast = (rate: number) => step(rate, { cpu: cpuPerSaga({ 'order-service': rate * 20 * 3, postgres: rate * 20 * 3 }, rate * 20, 21) });

  it('meets every target when 300/s completes without errors, 100/s and 200/s are fast enough and a clean step costs ≤ 7 ms', () => {
    const verdicts = judgeTargets([fast(100), fast(200), fast(300)]);

    expect(verdicts.map((verdict) => verdict.met)).toEqual([true, true, true, true, true]);
    expect(verdicts[0].observed).toBe('6.00 ms at 100/s');
  });

  it('judges CPU per saga at the cheapest step that shed nothing and left nothing unfinished', () => {
    const cheapButShedding = step(300, { shed: 10, unexpected: 10, cpu: cpuPerSaga({ gateway: 6000 }, 6000, 21) });
    const cheapButUnfinished = step(200, {
      orders: { total: 4000, pending: 3, confirmed: 3997, cancelled: 0, spanSeconds: 20 },
      cpu: cpuPerSaga({ gateway: 4000 }, 4000, 21),
    });

    const [cpu] = judgeTargets([step(100), cheapButUnfinished, cheapButShedding]);

    expect(cpu).toEqual({ target: 'CPU per completed saga ≤ 7 ms at the best step with 0 shed and 0 unfinished', met: false, observed: '12.00 ms at 100/s' });
  });

  it('misses the throughput target when the 300/s step left sagas unfinished or answered wrongly, and says how many were shed', () => {
    const [, throughput] = judgeTargets([step(100), step(300, { unexpected: 12, shed: 5, completedSagasPerSecond: 240 })]);

    expect(throughput.met).toBe(false);
    expect(throughput.observed).toBe('300/s offered: 240.0/s completed, 12 errors (5 shed), 0 unfinished');
  });

  it('meets the throughput target with 250 sagas/s at 300/s offered and no errors', () => {
    const [, throughput] = judgeTargets([step(300, { completedSagasPerSecond: 250 })]);

    expect(throughput.met).toBe(true);
  });

  it('misses the throughput target when the gateway shed orders even though the completed rate looks high enough', () => {
    const [, throughput] = judgeTargets([step(300, { unexpected: 40, shed: 40, completedSagasPerSecond: 298 })]);

    expect(throughput.met).toBe(false);
  });

  it('judges p99 at 200/s against 500 ms', () => {
    const [, , , at200] = judgeTargets([step(200, { admittedLatencyMs: latency(4000, 100, 501) })]);

    expect(at200).toEqual({ target: 'at 200 orders/s: p99 ≤ 500 ms, 0 errors (admitted orders)', met: false, observed: 'p99 501 ms' });
  });

  it('takes p50 ÷ floor from the admitted orders, not from the instant shed answers', () => {
    expect(floorRatio(shedding100, floor)).toBe(120);
    expect(floorRatio(step(100, { latencyMs: latency(2000, 1, 150) }), floor)).toBe(1.5);
  });

  it('judges the latency targets on the admitted orders: shed answers do not make a slow step look fast', () => {
    const [, , p99] = judgeTargets([shedding100]);

    expect(p99).toEqual({
      target: 'at 100 orders/s: p99 ≤ 200 ms, 0 errors (admitted orders)',
      met: false,
      observed: 'p99 3000 ms over 400 admitted orders; 1600 shed, 1600 errors',
    });
  });

  it('does not meet the p99 target when the admitted orders were fast only because the rest were shed', () => {
    const fastButShedding = { ...shedding100, admittedLatencyMs: latency(400, 12, 150) };

    const [, , p99] = judgeTargets([fastButShedding]);

    expect(p99).toEqual({
      target: 'at 100 orders/s: p99 ≤ 200 ms, 0 errors (admitted orders)',
      met: false,
      observed: 'p99 150 ms: met for the 400 admitted orders only; 1600 shed, 1600 errors',
    });
  });

  it('does not meet the latency targets at 100/s when the step had errors other than shedding', () => {
    const [, , p99] = judgeTargets([step(100, { unexpected: 3, statuses: { '201': 1797, '202': 3, '402': 100, '409': 100 } })]);

    expect(p99.met).toBe(false);
    expect(p99.observed).toBe('p99 150 ms: met for the 2000 admitted orders only; 0 shed, 3 errors');
  });

  it('shows a dash for the ratio of a step that admitted nothing and misses the p99 target', () => {
    const allShed = step(100, { admittedLatencyMs: latency(0, Number.NaN, Number.NaN), latencyMs: latency(2000, 1, 2), unexpected: 2000, shed: 2000 });

    const [, , p99] = judgeTargets([allShed]);
    const row = stepRow(formatReport(result([allShed])), 100);

    expect(row['p50 ÷ floor']).toBe('–');
    expect(row['admitted p50 ms']).toBe('–');
    expect(row['admitted']).toBe('0');
    expect(p99).toMatchObject({ met: false, observed: 'p99 – ms over 0 admitted orders; 2000 shed, 2000 errors' });
  });

  it('judges RSS on the services only, not on Kafka or PostgreSQL', () => {
    const rss = judgeTargets([step(100)])[4];

    expect(rss.met).toBe(true);
    expect(rss.observed).toBe('order-service 150 MB');
  });

  it('prints the floor, the ratio column and a dash for a group without RSS', () => {
    const text = formatReport(result([step(100)]));

    expect(text).toContain('| kafkajs request-reply round trip | 5.0');
    expect(text).toMatch(/\| 100 +\| 100\.0 +\| 100\.0 .*\| 1\.50 /);
    expect(text).toContain('50 / –');
  });

  it("prints the admitted orders' latencies and every answer's side by side, with the shed count next to the errors", () => {
    const row = stepRow(formatReport(result([shedding100])), 100);

    expect(row).toMatchObject({
      admitted: '400',
      'admitted p50 ms': '1200',
      'admitted p99 ms': '3000',
      'p50 ÷ floor': '120.00',
      'all p50 ms': '1.0',
      'all p99 ms': '3000',
      errors: '1600',
      shed: '1600',
      statuses: '201:360 402:20 409:20 503:1600',
    });
  });

  it('prints the CPU per completed saga in the step table and per process in its own table', () => {
    const text = formatReport(result([step(100)]));
    const perProcess = formatCpuPerSaga([step(100)]).split('\n');

    expect(stepRow(text, 100)['CPU ms/saga']).toBe('12.00');
    expect(perProcess[0]).toMatch(/\| order-service ms\/saga \| kafka ms\/saga \| postgres ms\/saga \| total ms\/saga \|$/);
    expect(perProcess[2]).toMatch(/^\| 100 +\| 100\.0 +\| 2000 +\| 21\.0 +\| 4\.00 +\| 3\.00 +\| 5\.00 +\| 12\.00 +\|$/);
  });

  it('shows a dash for the CPU per saga of a step that completed no saga', () => {
    const nothingCompleted = step(100, { cpu: cpuPerSaga({ kafka: 900 }, 0, 60) });

    expect(stepRow(formatReport(result([nothingCompleted])), 100)['CPU ms/saga']).toBe('–');
  });
});
