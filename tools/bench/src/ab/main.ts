/**
 * `npm run bench:ab`: an interleaved A/B of two commits on this machine. Each run is one `npm run bench` process
 * of THIS checkout (driver, stack launcher, measuring) on a fresh stack, whose services are compiled from a git
 * worktree of the commit under test; the run stops its stack before it exits, and the next run starts only
 * once no process of it is left.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@order-saga/infra';
import { pollUntil } from '@order-saga/shared/testing';
import type { BenchResult } from '../bench-report';
import { pidsWithCommandLine } from '../process-stats';
import { AbOptions, AbUsageError, parseAbOptions } from './ab-options';
import { AbRun, formatRuns, formatSummary, Side, summarize } from './ab-report';
import { PreparedCommit, prepareCommit, resolveCommit } from './worktree';

const log = (line: string) => process.stdout.write(`[bench:ab] ${line}\n`);
const BENCH_MAIN = join(REPO_ROOT, 'tools', 'bench', 'src', 'main.ts');
const REGISTER = join(REPO_ROOT, 'tools', 'register.js');
/** Its own databases, so an A/B never resets the databases of a bench somebody else runs. */
const AB_DATABASE_PREFIX = 'order_saga_ab';

async function main(argv: string[]): Promise<number> {
  const options = parseAbOptions(argv);
  const commits: Record<Side, PreparedCommit> = {
    base: prepareCommit(resolveCommit(options.base), options.worktreeRoot, log),
    head: prepareCommit(resolveCommit(options.head), options.worktreeRoot, log),
  };
  for (const side of ['base', 'head'] as const)
    log(`${side}: ${commits[side].commit} in ${commits[side].worktree} (node_modules ${commits[side].nodeModules})`);
  const startedAt = new Date();
  const runDir = join(REPO_ROOT, 'tmp', 'bench-ab', startedAt.toISOString().replace(/[:.]/g, '-'));
  mkdirSync(runDir, { recursive: true });
  const load = loadavg();
  log(
    `load average ${load.map((value) => value.toFixed(2)).join(' ')} on ${cpus().length} CPUs${load[0] >= 1 ? ' — not quiet: other work will be in the figures' : ''}; runs in ${runDir}`,
  );

  const runs: AbRun[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const side of ['base', 'head'] as const) {
      const step = await runOnce(options, commits[side], join(runDir, `${round}-${side}`), `ab round ${round} ${side} ${commits[side].commit.slice(0, 9)}`);
      runs.push({ round, side, commit: commits[side].commit, step });
      log(
        `round ${round} ${side}: ${step.completedSagasPerSecond.toFixed(1)} sagas/s, CPU ${step.cpu.msPerSaga.toFixed(2)} ms/saga, p99 ${step.admittedLatencyMs.p99.toFixed(0)} ms`,
      );
    }
  }

  const summary = summarize(runs);
  const settings = `${options.rate} orders/s for ${options.duration} s after ${options.warmup} s warm-up, ${options.rounds} rounds${options.benchArgs.length ? `, ${options.benchArgs.join(' ')}` : ''}`;
  const report = [
    `bench:ab ${startedAt.toISOString()}: base ${commits.base.commit.slice(0, 9)} vs head ${commits.head.commit.slice(0, 9)}; ${settings}; load average before ${load.map((value) => value.toFixed(2)).join(' ')}, after ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
    '',
    formatRuns(runs),
    '',
    formatSummary(summary),
    '',
    'CPU ms/saga at one machine speed: each run scaled by the mean machine probe reading of all runs over its own ' +
      '(the CPU time of one fixed unit of work, read each second of the step; tools/bench/src/machine-speed.ts). ' +
      'The measured figure stays the result; the scaled one tells a change from a slower or faster machine.',
    '',
  ].join('\n');
  process.stdout.write(`\n${report}\n`);
  writeFileSync(join(runDir, 'ab.md'), report);
  writeFileSync(join(runDir, 'ab.json'), JSON.stringify({ startedAt: startedAt.toISOString(), options, commits, runs, summary }, null, 2) + '\n');
  log(`results: ${join(runDir, 'ab.md')}, ${join(runDir, 'ab.json')}; each run's bench output in ${runDir}/<round>-<side>/bench.log`);
  return 0;
}

/** One `npm run bench` process: fresh stack, warm-up, one measured step, stack stopped; its one step. */
async function runOnce(options: AbOptions, commit: PreparedCommit, dir: string, label: string) {
  // The run's Kafka data folder is under its own TMPDIR, so a JVM left behind is recognisable by its command line.
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const args = [
    '-r',
    REGISTER,
    BENCH_MAIN,
    `--rates=${options.rate}`,
    `--duration=${options.duration}`,
    `--warmup-seconds=${options.warmup}`,
    '--floor-rounds=0',
    `--sut=${commit.worktree}`,
    `--dist=${commit.distDir}`,
    `--out=${dir}`,
    `--label=${label}`,
    ...options.benchArgs,
  ];
  log(`${label}: starting a fresh stack …`);
  const output = createWriteStream(join(dir, 'bench.log'));
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, TMPDIR: join(dir, 'tmp'), ORDER_SAGA_BENCH_DB_PREFIX: AB_DATABASE_PREFIX },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(output, { end: false });
  child.stderr.pipe(output, { end: false });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  output.end();
  if (code !== 0) throw new Error(`${label}: npm run bench exited with ${code}; see ${join(dir, 'bench.log')}`);
  await stackGone(dir, commit.distDir, label);
  const result = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as BenchResult;
  if (result.steps.length !== 1) throw new Error(`${label}: expected one measured step, got ${result.steps.length}`);
  return result.steps[0];
}

/** No process of the run (its Kafka JVM, a service compiled for it) may still be running when the next starts. */
async function stackGone(dir: string, distDir: string, label: string): Promise<void> {
  const left = () => [...pidsWithCommandLine(dir), ...pidsWithCommandLine(distDir)];
  try {
    await pollUntil(async () => left().length === 0 || undefined, {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: `${label}: every process of its stack to exit`,
    });
  } catch {
    throw new Error(`${label}: processes of its stack still running after it exited: ${left().join(', ')}; stop them before measuring again`);
  }
}

let interrupted = false;
// Ctrl-C reaches the running bench too (same process group); it stops its stack, then this exits.
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  log('interrupted: waiting for the running bench to stop its stack …');
});

main(process.argv.slice(2)).then(
  (code) => process.exit(interrupted ? 130 : code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof AbUsageError ? error.message : ((error as Error).stack ?? String(error))}\n`);
    process.exit(error instanceof AbUsageError ? 2 : 1);
  },
);
