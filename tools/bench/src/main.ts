import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '@order-saga/infra';
import { Client } from 'pg';
import { Pool } from 'undici';
import { BenchOptions, parseBenchOptions, UsageError } from './bench-options';
import { BenchResult, Floor, floorRatio, formatReport, judgeTargets } from './bench-report';
import { accessToken, attachedTarget, BenchTarget, createCustomer, seedCatalog, startBenchStack } from './bench-stack';
import { ensureDatabase, kafkaSecurityFromEnvironment, measureKafkaRoundTrip, measurePostgresCommit } from './floor-probes';
import { renderLatencyChart } from './latency-chart';
import type { ProcessGroup } from './process-stats';
import { runLoadStep, StepResult, StepSetup } from './load-step';
import { smokeProblems } from './smoke-verdict';
import { postgresProcessGroups, redisProcessGroup } from './stack-processes';
import { stepCustomers } from './workload';

const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);
/** Sagas answered 202 keep running after the step; the saga's own step timeout is 30 s. */
const SETTLE_TIMEOUT_MS = 60_000;

async function main(argv: string[]): Promise<number> {
  const options = parseBenchOptions(argv);
  const loadAverageBefore = loadavg();
  log(
    `load average ${loadAverageBefore.map((load) => load.toFixed(2)).join(' ')} on ${cpus().length} CPUs${loadAverageBefore[0] >= 3 ? ' — the machine is busy; figures will be noisy' : ''}`,
  );
  const target = options.attach ? attachedTarget() : await startBenchStack(options, log);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= target.stop());
  const onSignal = () => {
    log('interrupted; stopping the stack …');
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    return await run(options, target, loadAverageBefore);
  } finally {
    await stop();
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

async function run(options: BenchOptions, target: BenchTarget, loadAverageBefore: number[]): Promise<number> {
  const startedAt = new Date();
  const runId = `R${startedAt.getTime().toString(36).toUpperCase()}`;
  const catalog = await seedCatalog(target, runId);
  const token = await accessToken(target);
  // Plenty of connections: a request waiting for a free socket would be queueing inside the driver.
  const pool = new Pool(target.gatewayUrl, { connections: 2048, pipelining: 1, keepAliveTimeout: 30_000 });
  const processes = [...target.processes, { name: 'bench-driver', pid: process.pid }];
  const backends = new Client({ connectionString: target.postgresAdminUrl });
  await backends.connect();
  // CPU per saga counts every process of the stack: the five services and the broker (target.processes), this
  // driver, PostgreSQL (see stack-processes.ts for which of its processes) and the local Redis.
  const processGroups: ProcessGroup[] = [...(target.databaseNames.length ? postgresProcessGroups(backends, target.databaseNames) : []), redisProcessGroup()];
  const setupFor = async (label: string): Promise<StepSetup> => {
    const customers = stepCustomers(runId, label);
    await createCustomer(target, customers.paying);
    await createCustomer(target, customers.declining);
    return { pool, token, catalog, customers, orderDatabaseUrl: target.orderDatabaseUrl, processes, processGroups, settleTimeoutMs: SETTLE_TIMEOUT_MS };
  };

  try {
    let floor: Floor | undefined;
    if (options.floorRounds > 0) {
      log(`floor: ${options.floorRounds} kafkajs request-reply round trips and PostgreSQL commits …`);
      const kafkaRoundTrip = await measureKafkaRoundTrip(target.kafkaBrokers, options.floorRounds, undefined, await kafkaSecurityFromEnvironment());
      const postgresCommit = await measurePostgresCommit(await ensureDatabase(target.postgresAdminUrl, `${target.databasePrefix}_floor`), options.floorRounds);
      floor = { kafkaRoundTrip, postgresCommit, criticalPathMs: 2 * kafkaRoundTrip.medianMs };
      log(`floor: Kafka round trip median ${kafkaRoundTrip.medianMs.toFixed(1)} ms, PostgreSQL commit median ${postgresCommit.medianMs.toFixed(2)} ms`);
    }

    let nextIndex = 0;
    if (options.warmupSeconds > 0) {
      const rate = Math.min(...options.rates);
      log(`warm-up: ${options.warmupSeconds} s at ${rate}/s (not reported)`);
      const warmup = await runLoadStep(await setupFor('WARMUP'), rate, options.warmupSeconds, nextIndex);
      nextIndex += warmup.sent;
      if (warmup.unexpected > 0) log(`warm-up answers: ${JSON.stringify(warmup.statuses)}`);
    }

    const steps: StepResult[] = [];
    // --alloc-prof: the preload starts sampling on SIGUSR2, so start-up and warm-up stay out of the profile.
    for (const { name, pid } of target.processes.filter((candidate) => (options.allocationProfile as string[]).includes(candidate.name))) {
      process.kill(pid, 'SIGUSR2');
      log(`allocation sampling started in ${name} (pid ${pid})`);
    }
    for (const rate of options.rates) {
      log(`step: ${options.stepSeconds} s at ${rate} orders/s …`);
      const step = await runLoadStep(await setupFor(`S${String(rate).replace('.', 'P')}`), rate, options.stepSeconds, nextIndex);
      nextIndex += step.sent;
      steps.push(step);
      // A step whose every order was shed has no admitted percentiles (NaN).
      const figure = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
      const admitted = step.admittedLatencyMs;
      log(
        `  ${step.offeredRate}/s: ${step.completedSagasPerSecond.toFixed(1)} sagas/s, CPU ${figure(step.cpu.msPerSaga, 1)} ms/saga, admitted ${admitted.count}: p50 ${figure(admitted.p50, 0)} ms, p99 ${figure(admitted.p99, 0)} ms, ` +
          `max ${figure(admitted.max, 0)} ms; shed ${step.shed}, statuses ${JSON.stringify(step.statuses)}, unfinished ${step.orders.pending}` +
          (floor ? `, p50 ÷ floor ${figure(floorRatio(step, floor), 2)}` : ''),
      );
    }

    const result: BenchResult = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      label: options.label,
      machine: { cpus: cpus().length, node: process.version, loadAverageBefore, loadAverageAfter: loadavg() },
      settings: {
        mode: options.mode,
        rates: options.rates,
        stepSeconds: options.stepSeconds,
        warmupSeconds: options.warmupSeconds,
        floorRounds: options.floorRounds,
        logLevel: options.logLevel,
        serviceEnv: options.serviceEnv,
        attached: options.attach,
        runtime: options.attach ? 'unknown (attached)' : options.runtime,
        ...systemUnderTest(options),
      },
      floor,
      steps,
      targets: options.mode === 'full' ? judgeTargets(steps) : [],
    };
    process.stdout.write(`\n${formatReport(result)}\n`);
    if (options.mode === 'smoke') return smokeVerdict(steps);
    writeResults(options, result);
    return 0;
  } finally {
    await pool.close();
    await backends.end();
  }
}

/** Which code the services ran: the checkout (and its commit) and the compiled folder, when not this checkout. */
function systemUnderTest(options: BenchOptions): Record<string, string> {
  const root = resolve(options.systemUnderTest ?? REPO_ROOT);
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout: the commit stays unknown
  }
  return { systemUnderTest: root, systemUnderTestCommit: commit, ...(options.prebuiltDist ? { prebuiltDist: resolve(options.prebuiltDist) } : {}) };
}

function smokeVerdict(steps: StepResult[]): number {
  const problems = smokeProblems(steps);
  if (problems.length) {
    log(`smoke FAILED:\n  ${problems.join('\n  ')}`);
    return 1;
  }
  const sent = steps.reduce((sum, step) => sum + step.sent, 0);
  log(`smoke passed: all ${sent} sagas completed with the expected answer (201 / 402 / 409)`);
  return 0;
}

function writeResults(options: BenchOptions, result: BenchResult): void {
  const dir = resolve(REPO_ROOT, options.outDir);
  mkdirSync(dir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const json = JSON.stringify(result, null, 2) + '\n';
  const references = result.floor ? [{ label: `floor 2×RTT ${result.floor.criticalPathMs.toFixed(1)} ms`, valueMs: result.floor.criticalPathMs }] : [];
  const svg = renderLatencyChart(
    result.steps.map((step) => ({ offeredRate: step.offeredRate, admitted: step.admittedLatencyMs, allAnswers: step.latencyMs, shed: step.shed })),
    {
      title: `POST /api/v1/orders latency vs offered load (${result.startedAt.slice(0, 16)}Z, load avg ${result.machine.loadAverageBefore[0].toFixed(1)})`,
      references: [...references, { label: 'p99 target 200 ms', valueMs: 200 }],
    },
  );
  for (const name of [stamp, 'latest']) {
    writeFileSync(join(dir, `${name}.json`), json);
    writeFileSync(join(dir, `${name}.svg`), svg);
  }
  writeFileSync(join(dir, 'latest.md'), formatReport(result));
  log(`results: ${join(options.outDir, `${stamp}.json`)}, chart ${join(options.outDir, 'latest.svg')}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof UsageError ? error.message : ((error as Error).stack ?? String(error))}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
