import { BenchResult, Floor, formatReport, judgeTargets } from './bench-report';
import type { StepResult } from './load-step';

const floor: Floor = {
  kafkaRoundTrip: { samples: 200, medianMs: 5, p95Ms: 9, p99Ms: 12 },
  postgresCommit: { samples: 200, medianMs: 0.3, p95Ms: 0.5, p99Ms: 1 },
  criticalPathMs: 10,
};

function step(offeredRate: number, overrides: Partial<StepResult> = {}): StepResult {
  return {
    offeredRate,
    seconds: 20,
    sent: offeredRate * 20,
    achievedRate: offeredRate,
    latencyMs: { count: offeredRate * 20, p50: 15, p95: 60, p99: 150, max: 300, mean: 20 },
    maxSendLagMs: 2,
    statuses: { '201': offeredRate * 18, '402': offeredRate, '409': offeredRate },
    unexpected: 0,
    orders: { total: offeredRate * 20, pending: 0, confirmed: offeredRate * 18, cancelled: offeredRate * 2, spanSeconds: 20 },
    completedSagasPerSecond: offeredRate,
    confirmedPerSecond: offeredRate * 0.9,
    processes: [
      { name: 'order-service', pid: 1, cpuPercent: 40, rssPeakMb: 150, rssEndMb: 140 },
      { name: 'kafka', pid: 2, cpuPercent: 30, rssPeakMb: 900, rssEndMb: 900 },
      { name: 'postgres', pid: 0, cpuPercent: 50, rssPeakMb: Number.NaN, rssEndMb: Number.NaN },
    ],
    ...overrides,
  };
}

describe('bench report', () => {
  it('meets every target when 300/s completes without errors and 100/s is fast enough', () => {
    const verdicts = judgeTargets([step(100), step(300)], floor);

    expect(verdicts.map((verdict) => verdict.met)).toEqual([true, true, true, true]);
  });

  it('misses the throughput target when the 300/s step left sagas unfinished or answered wrongly', () => {
    const [throughput] = judgeTargets([step(100), step(300, { unexpected: 12, completedSagasPerSecond: 240 })], floor);

    expect(throughput.met).toBe(false);
    expect(throughput.observed).toBe('300/s offered: 240.0/s completed, 12 errors, 0 unfinished');
  });

  it('judges p50 against twice the critical path: 21 ms over a 10 ms floor misses', () => {
    const verdicts = judgeTargets([step(100, { latencyMs: { count: 1, p50: 21, p95: 60, p99: 150, max: 200, mean: 21 } })], floor);

    expect(verdicts[2]).toEqual({ target: 'at 100 orders/s: saga p50 ≤ 2 × (2 × raw round trip)', met: false, observed: 'p50 21.0 ms = 2.10 × 10.0 ms' });
  });

  it('judges RSS on the services only, not on Kafka or PostgreSQL', () => {
    const rss = judgeTargets([step(100)], floor)[3];

    expect(rss.met).toBe(true);
    expect(rss.observed).toBe('order-service 150 MB');
  });

  it('prints the floor, the ratio column and a dash for a group without RSS', () => {
    const result: BenchResult = {
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:05:00.000Z',
      label: '',
      machine: { cpus: 2, node: 'v20', loadAverageBefore: [1, 1, 1], loadAverageAfter: [2, 2, 2] },
      settings: {},
      floor,
      steps: [step(100)],
      targets: [],
    };

    const text = formatReport(result);

    expect(text).toContain('| kafkajs request-reply round trip | 5.0');
    expect(text).toMatch(/\| 100 +\| 100\.0 +\| 100\.0 .*\| 1\.50 /);
    expect(text).toContain('50 / –');
  });
});
