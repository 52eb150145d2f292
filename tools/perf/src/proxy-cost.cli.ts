import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Redis from 'ioredis';
import { Client } from 'pg';
import { Pool } from 'undici';
import { AccessTokens } from '../oauth/access-tokens';
import { addKey, signingKeySetOf } from '../oauth/signing-keys/signing-keys';

/*
 * What one proxied POST /api/v1/orders costs the gateway's CPU, the gateway alone: its own process
 * (from source through @swc-node, or compiled JavaScript as deployed) in front of a stub order-service
 * answering every POST /orders with a fixed 201, real Redis for the rate limits, real PostgreSQL only
 * because the gateway boots with its database. Closed loop by default: `concurrency` callers, each
 * sending its next order as soon as the last one answered, so the figure is the gateway's cost per
 * request at the throughput it reaches. The cost per request falls as throughput rises (one build,
 * measured: ~1.6 ms per request closed loop at ~700/s, ~2.5 ms at a fixed 300/s), so two versions
 * are best compared at one fixed `--rate`, in alternating runs.
 *
 * CPU comes from /proc/<pid>/stat (utime + stime, the whole process: Node's threads and GC included)
 * around the measured requests; the warm-up before them is not counted. A measuring tool, not a test:
 * it prints figures and only fails when an answer is not the stub's 201.
 *
 * usage (from the repository root):
 *   node -r ./tools/register.js apps/gateway/src/perf/proxy-cost.cli.ts \
 *     [--requests 2000] [--warm-up 500] [--concurrency 16 | --rate N] [--dist-dir DIR] [--cpu-prof DIR] [--log-level info]
 *
 *   --rate       send N orders per second on a fixed schedule (open loop) instead of a closed loop; the
 *                pool still has `concurrency` connections, so keep N × latency below it
 *   --dist-dir   run <DIR>/apps/gateway/src/main.js with plain node (a `tsc -p tsconfig.build.json` +
 *                tsc-alias output, as the bench and the image run it); default: the TypeScript source
 *   --cpu-prof   write the gateway's V8 CPU profile to DIR, and beside it a copy holding only the
 *                measured requests' samples (…measured.cpuprofile) for tools/bench/src/profile-summary.ts
 *
 * PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and Redis at REDIS_URL (default 127.0.0.1:6379);
 * the database (ORDER_SAGA_TEST_DB_PREFIX_gw_proxy_cost_<random>) and the rate-limit keys are removed after.
 */

const POSTGRES = 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLIENT_ID = 'proxy-cost';
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
/** A typical small order; the gateway relays it as JSON whatever it holds. */
const ORDER = JSON.stringify({
  customer_id: 'CUST-12345',
  items: [
    { product_id: 'SKU-001', quantity: 2, unit_price: 29.99 },
    { product_id: 'SKU-002', quantity: 1 },
  ],
  shipping_address: { street: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' },
});
/** What order-service answers a confirmed order with, near enough in size and shape. */
const CONFIRMED = JSON.stringify({
  order_id: 'ORD-00000001',
  customer_id: 'CUST-12345',
  status: 'confirmed',
  items: [
    { product_id: 'SKU-001', quantity: 2, unit_price: 29.99 },
    { product_id: 'SKU-002', quantity: 1, unit_price: 9.5 },
  ],
  total_amount: 69.48,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:01.000Z',
});

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

interface Round {
  wallMs: number;
  /** Wall time of each request, in ms. */
  latencies: number[];
  /** Answers by status; everything but 201 is a failed run. */
  statuses: Map<number, number>;
  /** process.hrtime of the round's start and end, for cutting the CPU profile to it. */
  startedNs: bigint;
  endedNs: bigint;
}

function positiveInteger(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return number;
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

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolvePort((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolveClose) => server.close(() => resolveClose()));
}

async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await close(probe);
  return port;
}

/** order-service as far as the gateway can tell: reads the whole body, answers 201 with a fixed order. */
function startStubOrderService(): Server {
  return createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/orders') {
        response.writeHead(201, { 'content-type': 'application/json; charset=utf-8', location: '/api/v1/orders/ORD-00000001' }).end(CONFIRMED);
      } else {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error_code":"NOT_FOUND","message":"Requested resource does not exist"}');
      }
    });
  });
}

async function withPostgres<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: `${POSTGRES}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function spawnGateway(options: Options, env: Record<string, string>, logFile: string): ChildProcess {
  const profiling = options.cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir, '--cpu-prof-interval', '1000'];
  const entry = options.distDir === undefined ? ['-r', resolve('tools/register.js'), resolve('apps/gateway/src/main.ts')] : [join(options.distDir, 'apps/gateway/src/main.js')];
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...profiling, ...entry], { env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  closeSync(log);
  return child;
}

async function waitUntilReady(gateway: ChildProcess, url: string, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gateway.exitCode !== null) throw new Error(`the gateway exited with code ${gateway.exitCode}; see ${logFile}`);
    const ready = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
  throw new Error(`the gateway was not ready within ${READY_TIMEOUT_MS} ms; see ${logFile}`);
}

/** SIGTERM runs the gateway's graceful shutdown, which exits normally, so --cpu-prof writes its file. */
async function stopGateway(gateway: ChildProcess): Promise<void> {
  if (gateway.exitCode !== null || gateway.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => gateway.once('exit', () => resolveExit()));
  gateway.kill('SIGTERM');
  const timer = setTimeout(() => gateway.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

let clockTicksPerSecond: number | undefined;

interface CpuTime {
  userMs: number;
  systemMs: number;
}

/** utime and stime from a /proc stat file: of a process (all its threads) or of one thread. */
function cpuTimeIn(statFile: string): CpuTime {
  clockTicksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(statFile, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { userMs: (Number(fields[11]) * 1000) / clockTicksPerSecond, systemMs: (Number(fields[12]) * 1000) / clockTicksPerSecond };
}

/**
 * CPU ms of the main thread (JavaScript, the only one --cpu-prof samples) apart from the others
 * (V8's GC and compiler helpers, libuv's pool: WebCrypto jobs, DNS, fs), which Node 20 leaves unnamed.
 */
function cpuMsByThread(pid: number): Map<string, number> {
  const byThread = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const { userMs, systemMs } = cpuTimeIn(`/proc/${pid}/task/${tid}/stat`);
      const thread = tid === String(pid) ? 'main' : 'other threads';
      byThread.set(thread, (byThread.get(thread) ?? 0) + userMs + systemMs);
    } catch {
      // The thread ended between listing and reading; its time is still in the process's total.
    }
  }
  return byThread;
}

/**
 * `count` orders: closed loop (`concurrency` callers, each sending its next order when the last one
 * answered) or, given a rate, open loop (sent on a fixed schedule whatever the answers do).
 */
async function placeOrders(pool: Pool, token: string, count: number, options: Pick<Options, 'concurrency' | 'rate'>): Promise<Round> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const placeOne = async (): Promise<void> => {
    const sent = process.hrtime.bigint();
    const { statusCode, body } = await pool.request({
      method: 'POST',
      path: '/api/v1/orders',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: ORDER,
    });
    await body.text();
    latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
    statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
  };
  const startedNs = process.hrtime.bigint();
  if (options.rate === undefined) {
    let next = 0;
    const caller = async (): Promise<void> => {
      while (next < count) {
        next += 1;
        await placeOne();
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, caller));
  } else {
    const calls: Promise<void>[] = [];
    while (calls.length < count) {
      const due = Math.min(count, Math.floor((Number(process.hrtime.bigint() - startedNs) / 1e9) * options.rate) + 1);
      while (calls.length < due) calls.push(placeOne());
      await new Promise((resolveTick) => setTimeout(resolveTick, 1));
    }
    await Promise.all(calls);
  }
  const endedNs = process.hrtime.bigint();
  return { wallMs: Number(endedNs - startedNs) / 1e6, latencies, statuses, startedNs, endedNs };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
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
  if (options.distDir === undefined && !existsSync('tools/register.js')) throw new Error('run from the repository root (tools/register.js not found)');
  if (options.distDir !== undefined && !existsSync(join(options.distDir, 'apps/gateway/src/main.js'))) {
    throw new Error(`${options.distDir}/apps/gateway/src/main.js not found: build with tsc -p tsconfig.build.json --outDir DIR, then tsc-alias`);
  }

  const workDir = mkdtempSync(join(tmpdir(), 'gateway-proxy-cost-'));
  const logFile = join(workDir, 'gateway.log');
  const database = `${process.env.ORDER_SAGA_TEST_DB_PREFIX ?? 'order_saga_perf'}_gw_proxy_cost_${randomBytes(4).toString('hex')}`;
  const rateLimitPrefix = `proxy-cost-${randomBytes(4).toString('hex')}`;
  const keysFile = join(workDir, 'keys.json');
  const keys = await addKey(undefined, 'proxy-cost');
  writeFileSync(keysFile, JSON.stringify(keys));
  const tokens = new AccessTokens({ issuer: 'order-saga-gateway', audience: 'order-saga-api', ttlSeconds: 3600, keys: await signingKeySetOf(keys) });
  const { token } = await tokens.issue(CLIENT_ID, ['read', 'write']);

  const stub = startStubOrderService();
  const stubUrl = `http://127.0.0.1:${await listen(stub)}`;
  const port = await freePort();
  const gatewayUrl = `http://127.0.0.1:${port}`;
  await withPostgres((client) => client.query(`CREATE DATABASE ${database}`));
  const profilesBefore = new Set(options.cpuProfDir !== undefined && existsSync(options.cpuProfDir) ? readdirSync(options.cpuProfDir) : []);

  let gateway: ChildProcess | undefined;
  let pool: Pool | undefined;
  let failed = true;
  try {
    gateway = spawnGateway(
      options,
      {
        PORT: String(port),
        LOG_LEVEL: options.logLevel,
        DATABASE_URL: `${POSTGRES}/${database}`,
        JWT_SIGNING_KEYS_FILE: keysFile,
        ORDER_SERVICE_URL: stubUrl,
        INVENTORY_SERVICE_URL: stubUrl,
        NOTIFICATION_SERVICE_URL: stubUrl,
        REDIS_URL,
        RATE_LIMIT_KEY_PREFIX: rateLimitPrefix,
        // Far above anything a run sends: every request pays for the Redis checks, none is refused.
        RATE_LIMIT_ORDERS_WRITE_PER_MINUTE: '100000000',
        RATE_LIMIT_PER_DAY: '100000000',
        UPSTREAM_MAX_IN_FLIGHT_ORDERS_WRITE: String(Math.max(64, options.concurrency)),
      },
      logFile,
    );
    const pid = gateway.pid;
    if (pid === undefined) throw new Error('the gateway did not start');
    await waitUntilReady(gateway, gatewayUrl, logFile);

    pool = new Pool(gatewayUrl, { connections: options.concurrency });
    const warmUp = await placeOrders(pool, token, options.warmUp, options);
    const cpuBefore = cpuTimeIn(`/proc/${pid}/stat`);
    const threadsBefore = cpuMsByThread(pid);
    const ownCpuBefore = process.cpuUsage();
    const round = await placeOrders(pool, token, options.requests, options);
    const cpuAfter = cpuTimeIn(`/proc/${pid}/stat`);
    const threads = [...cpuMsByThread(pid)].map(([name, ms]) => [name, ms - (threadsBefore.get(name) ?? 0)] as const).filter(([, ms]) => ms > 0);
    const [userMs, systemMs] = [cpuAfter.userMs - cpuBefore.userMs, cpuAfter.systemMs - cpuBefore.systemMs];
    const gatewayCpuMs = userMs + systemMs;
    const ownCpu = process.cpuUsage(ownCpuBefore);

    const unexpected = [...warmUp.statuses, ...round.statuses].filter(([status]) => status !== 201);
    if (unexpected.length > 0) throw new Error(`answers other than 201: ${unexpected.map(([status, count]) => `${count} × ${status}`).join(', ')}; see ${logFile}`);

    const sorted = [...round.latencies].sort((a, b) => a - b);
    const runtime = options.distDir === undefined ? 'source (@swc-node)' : `dist (${options.distDir})`;
    process.stdout.write(
      [
        `gateway ${runtime}, node ${process.version}, LOG_LEVEL=${options.logLevel}; ${options.requests} POST /api/v1/orders after ${options.warmUp} warm-up, ${options.rate === undefined ? `closed loop, concurrency ${options.concurrency}` : `open loop at ${options.rate}/s`}`,
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
    await stopGateway(gateway);
    if (options.cpuProfDir !== undefined) {
      for (const file of readdirSync(options.cpuProfDir).filter((name) => name.endsWith('.cpuprofile') && !profilesBefore.has(name))) {
        const full = join(options.cpuProfDir, file);
        const measured = full.replace(/\.cpuprofile$/, '.measured.cpuprofile');
        writeFileSync(measured, JSON.stringify(measuredPart(JSON.parse(readFileSync(full, 'utf8')) as CpuProfile, round)));
        process.stdout.write(`cpu profile     ${full}\n                ${measured} (measured requests only)\n`);
      }
    }
    failed = false;
  } finally {
    await pool?.close();
    if (gateway) await stopGateway(gateway);
    await close(stub);
    await withPostgres((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    await deleteRateLimitKeys(rateLimitPrefix);
    if (failed) process.stderr.write(`gateway log kept in ${logFile}\n`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

async function deleteRateLimitKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
