import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { buildDist, imageNodeSettings, REPO_ROOT, ServiceName } from '@order-saga/infra';
import { clientCredentialsToken, seedCustomer, seedProduct, startSystem } from '@order-saga/shared/testing';
import type { BenchOptions } from './bench-options';
import { kafkaSecurityFromEnvironment } from './floor-probes';
import { pidsWithCommandLine } from './process-stats';
import type { BenchCatalog } from './workload';

/** Everything the load run needs to know about the system under test, started here or already running. */
export interface BenchTarget {
  gatewayUrl: string;
  orderServiceUrl: string;
  inventoryServiceUrl: string;
  orderDatabaseUrl: string;
  kafkaBrokers: string;
  postgresAdminUrl: string;
  /** Prefix for the bench's own databases (the floor's commit probe). */
  databasePrefix: string;
  clientId: string;
  clientSecret: string;
  /** Service processes (and the Kafka JVM the bench started) whose CPU and RSS are sampled. */
  processes: { name: string; pid: number }[];
  /** The services' databases, whose PostgreSQL backends' CPU is sampled. */
  databaseNames: string[];
  logDir?: string;
  stop(): Promise<void>;
}

const BENCHED_SERVICES: readonly ServiceName[] = ['gateway', 'order-service', 'inventory-service', 'payment-service', 'notification-service'];

/**
 * Smoke runs on slow CI machines: a saga that takes longer than the default 8 s outcome budget would be
 * answered 202 and read as a failure, though the smoke only asserts completion, never time.
 */
const SMOKE_OUTCOME_BUDGET = { ORDER_OUTCOME_WAIT_MS: '30000' };
const SMOKE_GATEWAY_TIMEOUT = { UPSTREAM_TIMEOUT_MS: '40000' };

const PROFILING_PRELOAD = join(__dirname, 'profiling.preload.js');
const POSTGRES_ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BENCH_CLIENT_ID = 'bench-client';

export async function startBenchStack(options: BenchOptions, log: (line: string) => void): Promise<BenchTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'order-saga-bench-'));
  const databasePrefix = benchDatabasePrefix(options);
  const profileDir = resolve(options.outDir, 'profiles');
  const env: Partial<Record<ServiceName, Record<string, string>>> = {};
  const add = (service: ServiceName, extra: Record<string, string>) => (env[service] = { ...env[service], ...extra });
  // The services run node as the image of the checkout measured does (its Dockerfile's NODE_OPTIONS and CMD
  // flags), so their RSS is what a deployment sees, and an A/B of two commits runs each with its own settings.
  const systemUnderTest = resolve(options.systemUnderTest ?? REPO_ROOT);
  const image = imageNodeSettings(systemUnderTest);
  for (const service of BENCHED_SERVICES) add(service, { NODE_OPTIONS: image.nodeOptions });
  // startSystem lifts the gateway's per-client limits (POST 100/min by default), which would turn the load into 429s within a second.
  if (options.mode === 'smoke') {
    add('order-service', SMOKE_OUTCOME_BUDGET);
    add('gateway', SMOKE_GATEWAY_TIMEOUT);
  }
  if (options.cpuProfile.length || options.allocationProfile.length) mkdirSync(profileDir, { recursive: true });
  // Node refuses --cpu-prof in NODE_OPTIONS; a preload starts the same V8 profilers from inside.
  const stamp = Date.now();
  for (const service of BENCHED_SERVICES) {
    const cpu = options.cpuProfile.includes(service);
    const allocations = options.allocationProfile.includes(service);
    if (!cpu && !allocations) continue;
    add(service, {
      NODE_OPTIONS: `${image.nodeOptions} --require ${PROFILING_PRELOAD}`,
      BENCH_PROFILE_NAME: `${service}-${stamp}`,
      ...(cpu ? { BENCH_CPU_PROFILE_DIR: profileDir } : {}),
      ...(allocations ? { BENCH_ALLOCATION_PROFILE_DIR: profileDir } : {}),
    });
  }
  for (const [service, extra] of Object.entries(options.serviceEnv)) add(service as ServiceName, extra);

  // Compiled into the run's own folder (inside the checkout measured, so `node_modules` resolves from it), so
  // a concurrent run or a deploy's `dist/` is never overwritten.
  const distDir = options.prebuiltDist ? resolve(options.prebuiltDist) : join(systemUnderTest, 'tmp', 'bench-dist', basename(dataDir));
  if (options.prebuiltDist) {
    log(`running the services compiled in ${distDir}`);
  } else if (options.runtime === 'dist') {
    log(`compiling the services of ${systemUnderTest} into ${distDir} …`);
    buildDist(distDir, systemUnderTest);
  }
  const system = await startSystem({
    name: 'bench',
    dataDir,
    databasePrefix,
    kafkaClientSecurity: await kafkaSecurityFromEnvironment(),
    clients: { bench: { id: BENCH_CLIENT_ID, scopes: ['read', 'write'] } },
    env,
    logLevel: options.logLevel,
    runtime: options.runtime,
    distDir,
    nodeFlags: image.nodeFlags,
    log,
  });
  const { infra, services } = system;
  return {
    gatewayUrl: system.gatewayUrl,
    orderServiceUrl: system.urls['order-service'],
    inventoryServiceUrl: system.urls['inventory-service'],
    orderDatabaseUrl: infra.databaseUrls['order-service'],
    kafkaBrokers: infra.kafkaBrokers,
    postgresAdminUrl: POSTGRES_ADMIN_URL,
    databasePrefix,
    clientId: BENCH_CLIENT_ID,
    clientSecret: system.client().secret,
    processes: [
      ...services.running.flatMap((service) => (service.child.pid ? [{ name: service.spec.name, pid: service.child.pid }] : [])),
      // The launcher does not hand out the broker's PID; its JVM is the one started on our data folder.
      ...pidsWithCommandLine(join(dataDir, 'kafka')).map((pid) => ({ name: 'kafka', pid })),
    ],
    databaseNames: Object.values(infra.databaseUrls).map((url) => new URL(url).pathname.slice(1)),
    logDir: system.address.logDir,
    stop: () => system.stop(),
  };
}

/**
 * The smoke run is part of `npm test`, which engineers sharing one PostgreSQL tell apart by
 * ORDER_SAGA_TEST_DB_PREFIX; its databases (reset at start) follow that prefix so two runs never collide.
 */
export function benchDatabasePrefix(options: Pick<BenchOptions, 'mode'>, env: NodeJS.ProcessEnv = process.env): string {
  if (env.ORDER_SAGA_BENCH_DB_PREFIX) return env.ORDER_SAGA_BENCH_DB_PREFIX;
  return options.mode === 'smoke' ? `${env.ORDER_SAGA_TEST_DB_PREFIX ?? 'order_saga_test'}_bench` : 'order_saga_bench';
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`--attach needs ${name} in the environment`);
  return value;
}

/** A stack somebody else started: its limits are theirs, so 429s there are reported, not prevented. */
export function attachedTarget(): BenchTarget {
  const pids = (process.env.BENCH_SERVICE_PIDS ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const [name, pid] = pair.split('=');
      if (!name || !Number.isInteger(Number(pid))) throw new Error(`BENCH_SERVICE_PIDS: expected name=pid, got "${pair}"`);
      return { name, pid: Number(pid) };
    });
  return {
    gatewayUrl: required('BENCH_GATEWAY_URL'),
    orderServiceUrl: required('BENCH_ORDER_SERVICE_URL'),
    inventoryServiceUrl: required('BENCH_INVENTORY_SERVICE_URL'),
    orderDatabaseUrl: required('BENCH_ORDER_DATABASE_URL'),
    kafkaBrokers: required('KAFKA_BROKERS'),
    postgresAdminUrl: POSTGRES_ADMIN_URL,
    databasePrefix: process.env.ORDER_SAGA_BENCH_DB_PREFIX ?? 'order_saga_bench',
    clientId: required('BENCH_CLIENT_ID'),
    clientSecret: required('BENCH_CLIENT_SECRET'),
    processes: pids,
    databaseNames: (process.env.BENCH_DATABASE_NAMES ?? '').split(',').filter(Boolean),
    stop: async () => undefined,
  };
}

/** Products with effectively unlimited stock, and one with none, so only the intended orders are rejected. */
export async function seedCatalog(target: BenchTarget, runId: string): Promise<BenchCatalog> {
  const stockedProductIds = Array.from({ length: 8 }, (_, index) => `SKU-BENCH-${runId}-${index + 1}`);
  const emptyProductId = `SKU-BENCH-${runId}-EMPTY`;
  const unitPrice = 1.25;
  for (const productId of stockedProductIds) {
    await seedProduct(target.inventoryServiceUrl, { productId, name: `bench ${productId}`, unitPrice, available: 1_000_000_000 });
  }
  await seedProduct(target.inventoryServiceUrl, { productId: emptyProductId, name: 'bench sold out', unitPrice, available: 0 });
  return { stockedProductIds, emptyProductId, unitPrice };
}

export async function createCustomer(target: BenchTarget, customerId: string): Promise<void> {
  await seedCustomer(target.orderServiceUrl, { clientId: target.clientId, customerId, name: `bench ${customerId}` });
}

export async function accessToken(target: BenchTarget): Promise<string> {
  return clientCredentialsToken(target.gatewayUrl, { id: target.clientId, secret: target.clientSecret }, { scope: 'read write' });
}
