import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import {
  cpuMsByThread,
  cpuTimeIn,
  describeRuntime,
  expectAllCreated,
  percentile,
  placeOrders,
  positiveInteger,
  Round,
  startGatewayUnderTest,
} from './gateway-under-test';

/*
 * What one proxied POST /api/v1/orders costs the gateway's CPU, the gateway alone (gateway-under-test.ts:
 * its own process in front of a stub order-service). Closed loop by default: `concurrency` callers, each
 * sending its next order as soon as the last one answered, so the figure is the gateway's cost per
 * request at the throughput it reaches. The cost per request falls as throughput rises (one build,
 * measured: ~1.6 ms per request closed loop at ~700/s, ~2.5 ms at a fixed 300/s), so two versions
 * are best compared at one fixed `--rate`, in alternating runs. Every request carries the same access
 * token, which the gateway verifies once and then remembers (verify-cost.cli.ts measures the first time).
 *
 * CPU comes from /proc/<pid>/stat (utime + stime, the whole process: Node's threads and GC included)
 * around the measured requests; the warm-up before them is not counted. A measuring tool, not a test:
 * it prints figures and only fails when an answer is not the stub's 201.
 *
 * usage (from the repository root):
 *   npx nx run perf:proxy-cost -- [--requests 2000] [--warm-up 500] [--concurrency 16 | --rate N] \
 *     [--dist-dir DIR] [--cpu-prof DIR] [--log-level info]
 *
 *   --rate       send N orders per second on a fixed schedule (open loop) instead of a closed loop; the
 *                pool still has `concurrency` connections, so keep N × latency below it
 *   --dist-dir   run <DIR>/apps/gateway/src/main.js with plain node (a `tsc -p tsconfig.build.json` +
 *                tsc-alias output, as the bench and the image run it); default: the TypeScript source
 *   --cpu-prof   write the gateway's V8 CPU profile to DIR, and beside it a copy holding only the
 *                measured requests' samples (…measured.cpuprofile) for tools/bench/src/profile-summary.ts
 */

interface Options {
  requests: number;
  warmUp: number;
  concurrency: number;
  /** Orders per second, open loop; undefined: closed loop. */
  rate?: number;
  distDir?: string;
  cpuProfDir?: string;
  logLevel: string;
}

function optionsOf(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      requests: { type: 'string', default: '2000' },
      'warm-up': { type: 'string', default: '500' },
      concurrency: { type: 'string', default: '16' },
      rate: { type: 'string' },
      'dist-dir': { type: 'string' },
      'cpu-prof': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  return {
    requests: positiveInteger('requests', values.requests),
    warmUp: positiveInteger('warm-up', values['warm-up']),
    concurrency: positiveInteger('concurrency', values.concurrency),
    rate: values.rate === undefined ? undefined : positiveInteger('rate', values.rate),
    distDir: values['dist-dir'] === undefined ? undefined : resolve(values['dist-dir']),
    cpuProfDir: values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
    logLevel: values['log-level'],
  };
}

interface CpuProfile {
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * A copy of the profile with only the samples taken during the measured round. V8 stamps samples with
 * the monotonic clock process.hrtime reads too (µs), so the round's bounds apply across processes.
 */
function measuredPart(profile: CpuProfile, round: Round): CpuProfile {
  const from = Number(round.startedNs / 1000n);
  const to = Number(round.endedNs / 1000n);
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let time = profile.startTime;
  let last = from;
  profile.samples.forEach((sample, index) => {
    time += profile.timeDeltas[index];
    if (time < from || time > to) return;
    samples.push(sample);
    timeDeltas.push(time - last);
    last = time;
  });
  return { ...profile, startTime: from, endTime: to, samples, timeDeltas };
}

async function main(): Promise<void> {
  const options = optionsOf(process.argv.slice(2));
  const profilesBefore = new Set(options.cpuProfDir !== undefined && existsSync(options.cpuProfDir) ? readdirSync(options.cpuProfDir) : []);
  const gateway = await startGatewayUnderTest({ name: 'proxy-cost', ...options, maxInFlight: options.concurrency });
  let pool: Pool | undefined;
  let failed = true;
  try {
    const token = await gateway.token();
    const withToken = () => token;
    pool = new Pool(gateway.url, { connections: options.concurrency });
    const warmUp = await placeOrders(pool, withToken, options.warmUp, options);
    const cpuBefore = cpuTimeIn(`/proc/${gateway.pid}/stat`);
    const threadsBefore = cpuMsByThread(gateway.pid);
    const ownCpuBefore = process.cpuUsage();
    const round = await placeOrders(pool, withToken, options.requests, options);
    const cpuAfter = cpuTimeIn(`/proc/${gateway.pid}/stat`);
    const threads = [...cpuMsByThread(gateway.pid)].map(([name, ms]) => [name, ms - (threadsBefore.get(name) ?? 0)] as const).filter(([, ms]) => ms > 0);
    const [userMs, systemMs] = [cpuAfter.userMs - cpuBefore.userMs, cpuAfter.systemMs - cpuBefore.systemMs];
    const gatewayCpuMs = userMs + systemMs;
    const ownCpu = process.cpuUsage(ownCpuBefore);
    expectAllCreated([warmUp, round], gateway.logFile);

    const sorted = [...round.latencies].sort((a, b) => a - b);
    process.stdout.write(
      [
        `gateway ${describeRuntime(options)}, node ${process.version}, LOG_LEVEL=${options.logLevel}; ${options.requests} POST /api/v1/orders after ${options.warmUp} warm-up, ${options.rate === undefined ? `closed loop, concurrency ${options.concurrency}` : `open loop at ${options.rate}/s`}`,
        `throughput      ${((options.requests * 1000) / round.wallMs).toFixed(0)} requests/s (${(round.wallMs / 1000).toFixed(2)} s)`,
        `latency         p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`,
        `gateway CPU     ${gatewayCpuMs.toFixed(0)} ms (user ${userMs.toFixed(0)}, system ${systemMs.toFixed(0)}), ${((gatewayCpuMs * 1000) / options.requests).toFixed(0)} µs per request (${((gatewayCpuMs / round.wallMs) * 100).toFixed(0)} % of a core)`,
        `  by thread     ${threads.map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(', ')}`,
        `driver+stub CPU ${((ownCpu.user + ownCpu.system) / options.requests).toFixed(0)} µs per request (this process)`,
        '',
      ].join('\n'),
    );

    await pool.close();
    pool = undefined;
    await gateway.stop();
    if (options.cpuProfDir !== undefined) {
      for (const file of readdirSync(options.cpuProfDir).filter((name) => name.endsWith('.cpuprofile') && !profilesBefore.has(name))) {
        const full = resolve(options.cpuProfDir, file);
        const measured = full.replace(/\.cpuprofile$/, '.measured.cpuprofile');
        writeFileSync(measured, JSON.stringify(measuredPart(JSON.parse(readFileSync(full, 'utf8')) as CpuProfile, round)));
        process.stdout.write(`cpu profile     ${full}\n                ${measured} (measured requests only)\n`);
      }
    }
    failed = false;
  } finally {
    await pool?.close();
    await gateway.cleanUp(failed);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
