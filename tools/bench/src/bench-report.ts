import type { FloorMeasurement } from './floor-probes';
import type { StepResult } from './load-step';

export interface Floor {
  kafkaRoundTrip: FloorMeasurement;
  postgresCommit: FloorMeasurement;
  /** The saga's critical path has two request-reply round trips: reserve stock, charge payment. */
  criticalPathMs: number;
}

export interface TargetVerdict {
  target: string;
  met: boolean;
  observed: string;
}

export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  label: string;
  machine: { cpus: number; node: string; loadAverageBefore: number[]; loadAverageAfter: number[] };
  settings: Record<string, unknown>;
  floor?: Floor;
  steps: StepResult[];
  targets: TargetVerdict[];
}

export const SATURATION_TOLERANCE = 0.98;

const ms = (value: number) => (Number.isFinite(value) ? (value >= 100 ? value.toFixed(0) : value.toFixed(1)) : '–');
const rate = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '–');

/**
 * saga p50 ÷ (2 × raw Kafka round trip), over the admitted orders: a shed 503 is no saga. NaN without a
 * floor or when the step admitted nothing.
 */
export function floorRatio(step: StepResult, floor: Floor | undefined): number {
  return floor ? step.admittedLatencyMs.p50 / floor.criticalPathMs : Number.NaN;
}

const perSaga = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '–');
const ratio = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '–');

/**
 * A latency target "at N orders/s" holds only if the step served N orders/s: every order got its expected
 * answer. While the gateway sheds, the admitted orders ran at the load it let through, not the one offered,
 * so their latency is shown but the target is not met (a p99 kept low by refusing 80 % of the orders is
 * not a low p99 at that rate).
 */
function latencyAtRate(step: StepResult, figure: string, withinTarget: boolean): Pick<TargetVerdict, 'met' | 'observed'> {
  if (step.unexpected === 0) return { met: withinTarget, observed: figure };
  const admitted = step.admittedLatencyMs.count;
  const failures = `${step.shed} shed, ${step.unexpected} errors`;
  return {
    met: false,
    observed: withinTarget ? `${figure}: met for the ${admitted} admitted orders only; ${failures}` : `${figure} over ${admitted} admitted orders; ${failures}`,
  };
}

/** Issue 14's bars; the floor ratio is shown in the step table but no longer judged. */
export const TARGETS = { sagasPerSecond: 250, cpuMsPerSaga: 7, p99At100Ms: 200, p99At200Ms: 500, serviceRssMb: 200 };

/** A step that served what it was offered: no shed answer, no saga left unfinished. */
const clean = (step: StepResult) => step.shed === 0 && step.orders.pending === 0;

/** Judges the issue's targets from one run's figures; a target without a matching step is not met. */
export function judgeTargets(steps: StepResult[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  // The lowest CPU per saga of a step that shed nothing and left nothing unfinished: cheaper figures of a
  // step that refused orders would be cheap only because less work got done.
  const cpuCandidates = steps.filter((step) => clean(step) && Number.isFinite(step.cpu.msPerSaga));
  const cheapest = cpuCandidates.reduce<StepResult | undefined>((best, step) => (!best || step.cpu.msPerSaga < best.cpu.msPerSaga ? step : best), undefined);
  verdicts.push({
    target: `CPU per completed saga ≤ ${TARGETS.cpuMsPerSaga} ms at the best step with 0 shed and 0 unfinished`,
    met: Boolean(cheapest && cheapest.cpu.msPerSaga <= TARGETS.cpuMsPerSaga),
    observed: cheapest ? `${perSaga(cheapest.cpu.msPerSaga)} ms at ${cheapest.offeredRate}/s` : 'no step with 0 shed and 0 unfinished',
  });
  const top = steps.filter((step) => step.offeredRate >= TARGETS.sagasPerSecond);
  const sustained = top.find(
    (step) => step.unexpected === 0 && step.orders.pending === 0 && step.completedSagasPerSecond >= TARGETS.sagasPerSecond * SATURATION_TOLERANCE,
  );
  verdicts.push({
    target: `≥ ${TARGETS.sagasPerSecond} completed sagas/s with 0 errors, 0 shed, 0 unfinished (≥ ${TARGETS.sagasPerSecond * SATURATION_TOLERANCE}/s measured, for timestamp granularity)`,
    met: Boolean(sustained),
    observed: top.length
      ? top
          .map(
            (step) =>
              `${step.offeredRate}/s offered: ${rate(step.completedSagasPerSecond)}/s completed, ${step.unexpected} errors (${step.shed} shed), ${step.orders.pending} unfinished`,
          )
          .join('; ')
      : `no step at ≥ ${TARGETS.sagasPerSecond}/s`,
  });
  // Both latency targets are judged on the admitted orders' latencies, and only for a step without errors.
  for (const [offered, limit] of [
    [100, TARGETS.p99At100Ms],
    [200, TARGETS.p99At200Ms],
  ]) {
    const step = steps.find((candidate) => candidate.offeredRate === offered);
    verdicts.push({
      target: `at ${offered} orders/s: p99 ≤ ${limit} ms, 0 errors (admitted orders)`,
      ...(step
        ? latencyAtRate(step, `p99 ${ms(step.admittedLatencyMs.p99)} ms`, step.admittedLatencyMs.p99 <= limit)
        : { met: false, observed: `no step at ${offered}/s` }),
    });
  }
  const peaks = new Map<string, number>();
  for (const usage of steps.flatMap((step) => step.processes)) {
    // The target is about the five services; the broker, PostgreSQL and the driver are reported, not judged.
    if (['bench-driver', 'kafka', 'postgres', 'postgres-server', 'redis'].includes(usage.name) || !Number.isFinite(usage.rssPeakMb)) continue;
    peaks.set(usage.name, Math.max(peaks.get(usage.name) ?? 0, usage.rssPeakMb));
  }
  verdicts.push({
    target: `each service ≤ ${TARGETS.serviceRssMb} MB RSS under load`,
    met: peaks.size > 0 && [...peaks.values()].every((peak) => peak <= TARGETS.serviceRssMb),
    observed: peaks.size ? [...peaks].map(([name, peak]) => `${name} ${peak.toFixed(0)} MB`).join(', ') : 'no process readings',
  });
  return verdicts;
}

/** A markdown table with padded columns, as the reports print them. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The run as markdown tables: what `npm run bench` prints and docs/performance.md quotes. */
export function formatReport(result: BenchResult): string {
  const { floor, steps } = result;
  const out: string[] = [];
  out.push(
    `bench ${result.startedAt}${result.label ? ` (${result.label})` : ''}; load average before ${result.machine.loadAverageBefore.map((load) => load.toFixed(2)).join(' ')}, after ${result.machine.loadAverageAfter.map((load) => load.toFixed(2)).join(' ')}; ${result.machine.cpus} CPUs`,
  );
  out.push('');
  if (floor) {
    out.push(
      table(
        ['floor', 'median ms', 'p95 ms', 'p99 ms', 'rounds'],
        [
          [
            'kafkajs request-reply round trip',
            ms(floor.kafkaRoundTrip.medianMs),
            ms(floor.kafkaRoundTrip.p95Ms),
            ms(floor.kafkaRoundTrip.p99Ms),
            String(floor.kafkaRoundTrip.samples),
          ],
          [
            'PostgreSQL INSERT + COMMIT',
            ms(floor.postgresCommit.medianMs),
            ms(floor.postgresCommit.p95Ms),
            ms(floor.postgresCommit.p99Ms),
            String(floor.postgresCommit.samples),
          ],
          ['critical path: 2 × round trip', ms(floor.criticalPathMs), '', '', ''],
        ],
      ),
    );
    out.push('');
  }
  out.push(
    table(
      [
        'offered/s',
        'sent/s',
        'sagas/s',
        'CPU ms/saga',
        'machine probe ms',
        'confirmed/s',
        'admitted',
        'admitted p50 ms',
        'admitted p95 ms',
        'admitted p99 ms',
        'admitted max ms',
        'p50 ÷ floor',
        'all p50 ms',
        'all p95 ms',
        'all p99 ms',
        'all max ms',
        'errors',
        'shed',
        'statuses',
        'unfinished',
      ],
      steps.map((step) => [
        String(step.offeredRate),
        rate(step.achievedRate),
        rate(step.completedSagasPerSecond),
        perSaga(step.cpu.msPerSaga),
        step.machineSpeed ? step.machineSpeed.unitCpuMs.toFixed(1) : '–',
        rate(step.confirmedPerSecond),
        String(step.admittedLatencyMs.count),
        ms(step.admittedLatencyMs.p50),
        ms(step.admittedLatencyMs.p95),
        ms(step.admittedLatencyMs.p99),
        ms(step.admittedLatencyMs.max),
        ratio(floorRatio(step, floor)),
        ms(step.latencyMs.p50),
        ms(step.latencyMs.p95),
        ms(step.latencyMs.p99),
        ms(step.latencyMs.max),
        String(step.unexpected),
        String(step.shed),
        Object.entries(step.statuses)
          .sort()
          .map(([status, count]) => `${status}:${count}`)
          .join(' '),
        String(step.orders.pending),
      ]),
    ),
  );
  out.push('');
  out.push(
    "admitted: every answer but the gateway's shed 503s (refused at once by its in-flight limit, order-service never called); " +
      'p50 ÷ floor is over the admitted orders. all: every answer, shed 503s included. Shed answers also count as errors. ' +
      'machine probe ms: CPU time of a fixed unit of work, read each second of the step (higher: a slower machine; machine-speed.ts).',
  );
  out.push('');
  out.push(formatCpuPerSaga(steps));
  out.push('');
  out.push(CPU_PER_SAGA_NOTE);
  out.push('');
  const names = [...new Set(steps.flatMap((step) => step.processes.map((usage) => usage.name)))];
  if (names.length) {
    out.push(
      table(
        ['offered/s', ...names.map((name) => `${name} CPU % / peak RSS MB`)],
        steps.map((step) => [
          String(step.offeredRate),
          ...names.map((name) => {
            const usage = step.processes.find((candidate) => candidate.name === name);
            return usage ? `${usage.cpuPercent.toFixed(0)} / ${Number.isFinite(usage.rssPeakMb) ? usage.rssPeakMb.toFixed(0) : '–'}` : '–';
          }),
        ]),
      ),
    );
    out.push('');
  }
  if (result.targets.length) {
    out.push(
      table(
        ['target', 'met', 'observed'],
        result.targets.map((verdict) => [verdict.target, verdict.met ? 'yes' : 'NO', verdict.observed]),
      ),
    );
    out.push('');
  }
  return out.join('\n');
}

export const CPU_PER_SAGA_NOTE =
  'CPU ms/saga: CPU time (utime + stime from /proc, not sampled percentages) of every process — the five services, Kafka, ' +
  "the stack's PostgreSQL backends, PostgreSQL's postmaster and writers, Redis, the bench driver — from the step's first send " +
  "until its last saga settled, divided by the step's completed sagas. PostgreSQL's writers and Redis serve the whole server: " +
  'on a shared machine they carry other work too.';

/** Per step, the CPU each process spent per completed saga, and the total. */
export function formatCpuPerSaga(steps: StepResult[]): string {
  const names = [...new Set(steps.flatMap((step) => step.cpu.byProcess.map((usage) => usage.name)))];
  return table(
    ['offered/s', 'sagas/s', 'completed', 'window s', ...names.map((name) => `${name} ms/saga`), 'total ms/saga'],
    steps.map((step) => [
      String(step.offeredRate),
      rate(step.completedSagasPerSecond),
      String(step.cpu.completedSagas),
      step.cpu.windowSeconds.toFixed(1),
      ...names.map((name) => perSaga(step.cpu.byProcess.find((usage) => usage.name === name)?.msPerSaga ?? Number.NaN)),
      perSaga(step.cpu.msPerSaga),
    ]),
  );
}
