import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { Pool } from 'undici';
import { ensureSigningKeys, freePort, IMAGE_NODE_OPTIONS, registerOAuthClient, REGISTER, REPO_ROOT, SERVICE_NODE_FLAGS } from '@order-saga/infra';
import { ClientCredentialsTokenProvider } from '@order-saga/sdk';

/*
 * The gateway alone, for measuring its CPU: its own process (from source through @swc-node, or compiled
 * JavaScript as deployed) in front of a stub order-service answering every POST /orders with a fixed 201,
 * real Redis for the rate limits, real PostgreSQL only because the gateway boots with its database.
 * The gateway is reached only as a client or an operator reaches it: its signing keys and OAuth client
 * come from its own CLIs, its access tokens from POST /oauth/token.
 *
 * PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and Redis at REDIS_URL (default 127.0.0.1:6379);
 * the database (ORDER_SAGA_TEST_DB_PREFIX_gw_<name>_<random>) and the rate-limit keys are removed after.
 */

const POSTGRES = 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
/** The gateway's default OAUTH_SECRET_CHECKS_RUNNING: more token requests at once would only queue. */
const TOKEN_REQUESTS_AT_ONCE = 2;

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

export interface GatewayOptions {
  /** Names the work folder, the database and the OAuth client. */
  name: string;
  /** Runs <distDir>/apps/gateway/src/main.js with plain node; undefined: the TypeScript source. */
  distDir?: string;
  /** Writes the gateway's V8 CPU profile there. */
  cpuProfDir?: string;
  logLevel: string;
  /** Orders in flight the gateway lets through to the stub at once. */
  maxInFlight: number;
}

export interface GatewayUnderTest {
  url: string;
  pid: number;
  logFile: string;
  /** A token for the client, issued by the gateway; the same one on every call. */
  token(): Promise<string>;
  /** `count` tokens the gateway has issued and never seen since. */
  freshTokens(count: number): Promise<string[]>;
  /** SIGTERM: the gateway's graceful shutdown, which exits normally, so --cpu-prof writes its file. */
  stop(): Promise<void>;
  /** Stops whatever still runs and removes the database and rate-limit keys; keeps the log if `failed`. */
  cleanUp(failed: boolean): Promise<void>;
}

export function describeRuntime(options: Pick<GatewayOptions, 'distDir'>): string {
  return options.distDir === undefined ? 'source (@swc-node)' : `dist (${options.distDir})`;
}

export async function startGatewayUnderTest(options: GatewayOptions): Promise<GatewayUnderTest> {
  if (options.distDir !== undefined && !existsSync(join(options.distDir, 'apps/gateway/src/main.js'))) {
    throw new Error(`${options.distDir}/apps/gateway/src/main.js not found: build with tsc -p tsconfig.build.json --outDir DIR, then tsc-alias`);
  }
  const workDir = mkdtempSync(join(tmpdir(), `gateway-${options.name}-`));
  const logFile = join(workDir, 'gateway.log');
  const suffix = randomBytes(4).toString('hex');
  const database = `${process.env.ORDER_SAGA_TEST_DB_PREFIX ?? 'order_saga_perf'}_gw_${options.name.replace(/-/g, '_')}_${suffix}`;
  const databaseUrl = `${POSTGRES}/${database}`;
  const rateLimitPrefix = `${options.name}-${suffix}`;
  const clientId = options.name;
  const clientSecret = randomBytes(24).toString('base64url');
  const keysFile = await ensureSigningKeys(join(workDir, 'keys.json'));

  const stub = startStubOrderService();
  const stubUrl = `http://127.0.0.1:${await listen(stub)}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await withPostgres((client) => client.query(`CREATE DATABASE ${database}`));

  let gateway: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (gateway) await stopGateway(gateway);
  };
  const cleanUp = async (failed: boolean): Promise<void> => {
    await stop();
    await close(stub);
    await withPostgres((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    await deleteRateLimitKeys(rateLimitPrefix);
    if (failed) process.stderr.write(`gateway log kept in ${logFile}\n`);
    else rmSync(workDir, { recursive: true, force: true });
  };
  try {
    gateway = spawnGateway(
      options,
      {
        PORT: String(port),
        NODE_OPTIONS: IMAGE_NODE_OPTIONS,
        LOG_LEVEL: options.logLevel,
        DATABASE_URL: databaseUrl,
        JWT_SIGNING_KEYS_FILE: keysFile,
        ORDER_SERVICE_URL: stubUrl,
        INVENTORY_SERVICE_URL: stubUrl,
        NOTIFICATION_SERVICE_URL: stubUrl,
        PAYMENT_SERVICE_URL: stubUrl,
        REDIS_URL,
        RATE_LIMIT_KEY_PREFIX: rateLimitPrefix,
        // Far above anything a run sends: every request pays for the Redis checks, none is refused.
        RATE_LIMIT_ORDERS_WRITE_PER_MINUTE: '100000000',
        RATE_LIMIT_PER_DAY: '100000000',
        UPSTREAM_MAX_IN_FLIGHT_ORDERS_WRITE: String(Math.max(64, options.maxInFlight)),
      },
      logFile,
    );
    const pid = gateway.pid;
    if (pid === undefined) throw new Error('the gateway did not start');
    await waitUntilReady(gateway, url, logFile);
    // The gateway's migrations ran at boot, so its client table exists now.
    await registerOAuthClient(databaseUrl, clientId, clientSecret, ['read', 'write']);
    const provider = (): ClientCredentialsTokenProvider =>
      new ClientCredentialsTokenProvider({ tokenUrl: `${url}/oauth/token`, clientId, clientSecret, scope: 'read write' });
    const shared = provider();
    return {
      url,
      pid,
      logFile,
      token: () => shared.accessToken(),
      freshTokens: async (count) => {
        const tokens: string[] = [];
        const requester = async (): Promise<void> => {
          const own = provider();
          while (tokens.length < count) {
            own.invalidate();
            tokens.push(await own.accessToken());
          }
        };
        await Promise.all(Array.from({ length: TOKEN_REQUESTS_AT_ONCE }, requester));
        return tokens.slice(0, count);
      },
      stop,
      cleanUp,
    };
  } catch (error) {
    await cleanUp(true);
    throw error;
  }
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

function spawnGateway(options: GatewayOptions, env: Record<string, string>, logFile: string): ChildProcess {
  const profiling = options.cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir, '--cpu-prof-interval', '1000'];
  const entry =
    options.distDir === undefined ? ['-r', REGISTER, join(REPO_ROOT, 'apps/gateway/src/main.ts')] : [join(options.distDir, 'apps/gateway/src/main.js')];
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...profiling, ...entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
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

async function stopGateway(gateway: ChildProcess): Promise<void> {
  if (gateway.exitCode !== null || gateway.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => gateway.once('exit', () => resolveExit()));
  gateway.kill('SIGTERM');
  const timer = setTimeout(() => gateway.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
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

let clockTicks: number | undefined;

/** The unit of /proc's utime and stime (USER_HZ, 100 on Linux): a CPU figure is no finer than one tick. */
export function clockTicksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicks;
}

export interface CpuTime {
  userMs: number;
  systemMs: number;
}

/** utime and stime from a /proc stat file: of a process (all its threads) or of one thread. */
export function cpuTimeIn(statFile: string): CpuTime {
  const stat = readFileSync(statFile, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const msPerTick = 1000 / clockTicksPerSecond();
  return { userMs: Number(fields[11]) * msPerTick, systemMs: Number(fields[12]) * msPerTick };
}

/**
 * CPU ms of the main thread (JavaScript, the only one --cpu-prof samples) apart from the others
 * (V8's GC and compiler helpers, libuv's pool: WebCrypto jobs, DNS, fs), which are not told apart here.
 */
export function cpuMsByThread(pid: number): Map<string, number> {
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

export interface Round {
  wallMs: number;
  /** Wall time of each request, in ms. */
  latencies: number[];
  /** Answers by status; everything but 201 is a failed run. */
  statuses: Map<number, number>;
  /** process.hrtime of the round's start and end, for cutting the CPU profile to it. */
  startedNs: bigint;
  endedNs: bigint;
}

export interface Load {
  concurrency: number;
  /** Orders per second, open loop; undefined: closed loop. */
  rate?: number;
}

/**
 * `count` orders, the i-th sent with `tokenFor(i)`: closed loop (`concurrency` callers, each sending its
 * next order when the last one answered) or, given a rate, open loop (sent on a fixed schedule whatever
 * the answers do).
 */
export async function placeOrders(pool: Pool, tokenFor: (index: number) => string, count: number, load: Load): Promise<Round> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const placeOne = async (index: number): Promise<void> => {
    const sent = process.hrtime.bigint();
    const { statusCode, body } = await pool.request({
      method: 'POST',
      path: '/api/v1/orders',
      headers: { authorization: `Bearer ${tokenFor(index)}`, 'content-type': 'application/json' },
      body: ORDER,
    });
    await body.text();
    latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
    statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
  };
  const startedNs = process.hrtime.bigint();
  if (load.rate === undefined) {
    let next = 0;
    const caller = async (): Promise<void> => {
      while (next < count) {
        next += 1;
        await placeOne(next - 1);
      }
    };
    await Promise.all(Array.from({ length: load.concurrency }, caller));
  } else {
    const calls: Promise<void>[] = [];
    while (calls.length < count) {
      const due = Math.min(count, Math.floor((Number(process.hrtime.bigint() - startedNs) / 1e9) * load.rate) + 1);
      while (calls.length < due) calls.push(placeOne(calls.length));
      await new Promise((resolveTick) => setTimeout(resolveTick, 1));
    }
    await Promise.all(calls);
  }
  const endedNs = process.hrtime.bigint();
  return { wallMs: Number(endedNs - startedNs) / 1e6, latencies, statuses, startedNs, endedNs };
}

/** Fails the run when any answer was not the stub's 201: a refused request costs the gateway less. */
export function expectAllCreated(rounds: Round[], logFile: string): void {
  const unexpected = rounds.flatMap((round) => [...round.statuses]).filter(([status]) => status !== 201);
  if (unexpected.length > 0)
    throw new Error(`answers other than 201: ${unexpected.map(([status, count]) => `${count} × ${status}`).join(', ')}; see ${logFile}`);
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function positiveInteger(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return number;
}
