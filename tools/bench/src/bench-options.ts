import type { ServiceName, ServiceRuntime } from '@order-saga/infra';

export interface BenchOptions {
  mode: 'full' | 'smoke';
  /** Offered loads, orders/s, in the order they run. */
  rates: number[];
  stepSeconds: number;
  /**
   * Load at the lowest rate before the first measured step (JIT, pools, consumer groups); not reported. A fresh
   * Kafka JVM spends about its first minute in the C2 compiler, and that CPU would land in the first steps.
   */
  warmupSeconds: number;
  floorRounds: number;
  /** Use a stack that is already running (addresses from BENCH_* variables) instead of starting one. */
  attach: boolean;
  outDir: string;
  /** LOG_LEVEL of the services the bench starts. */
  logLevel: string;
  /** Services started with `--cpu-prof`; profiles land in `<outDir>/profiles/`. */
  cpuProfile: ServiceName[];
  /**
   * Services whose allocations are sampled from the first measured step to the end (V8's sampling heap
   * profiler, freed objects included); profiles land in `<outDir>/profiles/`, read with allocation-summary.ts.
   */
  allocationProfile: ServiceName[];
  /** Extra environment per service for an experiment, e.g. `order-service:DATABASE_POOL_SIZE=20`. */
  serviceEnv: Partial<Record<ServiceName, Record<string, string>>>;
  /** Free text stored with the results (what this run changed). */
  label: string;
  /**
   * `dist` (default): services compiled to JavaScript first and run with plain `node`, as a deployed pod
   * runs them; `source`: through @swc-node from TypeScript, as `npm start` does (~100 MB more per process).
   */
  runtime: ServiceRuntime;
  /**
   * The checkout whose services and libraries are measured (`--sut`, default this one): compiled there and run
   * from there, while the driver and the measuring stay this checkout's. bench:ab points it at a git worktree.
   */
  systemUnderTest?: string;
  /** Services already compiled (buildDist output) to run as they are, e.g. by bench:ab once per commit. */
  prebuiltDist?: string;
}

const SERVICES: ServiceName[] = ['gateway', 'order-service', 'inventory-service', 'payment-service', 'notification-service'];

export const FULL_DEFAULTS: BenchOptions = {
  mode: 'full',
  // 250: the throughput target's own step (≥ 250 sagas/s with nothing shed), so a default run answers it.
  rates: [25, 50, 100, 200, 250, 300],
  stepSeconds: 20,
  warmupSeconds: 60,
  floorRounds: 200,
  attach: false,
  outDir: 'bench/results',
  logLevel: 'info',
  cpuProfile: [],
  allocationProfile: [],
  serviceEnv: {},
  label: '',
  runtime: 'dist',
};

/** A few seconds at a low rate: proves every saga completes, says nothing about speed. */
export const SMOKE_DEFAULTS: BenchOptions = {
  ...FULL_DEFAULTS,
  mode: 'smoke',
  rates: [10],
  stepSeconds: 4,
  warmupSeconds: 0,
  floorRounds: 0,
  outDir: 'bench/results/smoke',
};

const USAGE = `usage: npm run bench [-- options] | npm run bench:smoke
  --smoke                   a few seconds at 10 orders/s; exit 1 unless every saga completed as expected
  --rates=25,50,100         offered loads in orders/s          --step-seconds=20 (or --duration=20)   --warmup-seconds=60
  --floor-rounds=200        rounds of each floor probe         --out=bench/results
  --log-level=info          LOG_LEVEL of the services          --label=text        stored with the results
  --runtime=dist            dist: compiled JS with plain node (as deployed); source: TypeScript via @swc-node
  --sut=/path/to/checkout   measure that checkout's services (compiled there); driver and measuring stay this one's
  --dist=/path/to/dist      run services compiled already (buildDist output inside a checkout) instead of compiling
  --cpu-prof=gateway,order-service    run those services with --cpu-prof
  --alloc-prof=gateway,order-service  sample those services' allocations during the measured steps
  one step, quickly:        npm run bench -- --rates=100 --duration=60 --warmup-seconds=10 --floor-rounds=0
  --env=order-service:KEY=VALUE       extra service environment (repeatable)
  --attach                  use a running stack: BENCH_GATEWAY_URL, BENCH_ORDER_SERVICE_URL, BENCH_INVENTORY_SERVICE_URL,
                            BENCH_ORDER_DATABASE_URL, BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, KAFKA_BROKERS[, BENCH_SERVICE_PIDS=name=pid,...,
                            BENCH_DATABASE_NAMES=db1,db2]`;

export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
  }
}

function positiveNumber(name: string, text: string, { integer = false, allowZero = false } = {}): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0) || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a ${integer ? 'whole ' : ''}number ${allowZero ? '≥ 0' : '> 0'}, got "${text}"`);
  }
  return value;
}

function serviceName(text: string, flag: string): ServiceName {
  if (!SERVICES.includes(text as ServiceName)) throw new UsageError(`--${flag}: unknown service "${text}" (one of ${SERVICES.join(', ')})`);
  return text as ServiceName;
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = structuredClone(argv.includes('--smoke') ? SMOKE_DEFAULTS : FULL_DEFAULTS);
  for (const argument of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argument);
    if (!match) throw new UsageError(`unexpected argument "${argument}"`);
    const [, name, value = ''] = match;
    switch (name) {
      case 'smoke':
        break;
      case 'attach':
        options.attach = true;
        break;
      case 'rates':
        options.rates = value.split(',').map((rate) => positiveNumber(name, rate));
        break;
      case 'step-seconds':
      case 'duration':
        options.stepSeconds = positiveNumber(name, value);
        break;
      case 'warmup-seconds':
        options.warmupSeconds = positiveNumber(name, value, { allowZero: true });
        break;
      case 'floor-rounds':
        options.floorRounds = positiveNumber(name, value, { integer: true, allowZero: true });
        break;
      case 'out':
        if (!value) throw new UsageError('--out needs a folder');
        options.outDir = value;
        break;
      case 'log-level':
        if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(value)) throw new UsageError(`--log-level: unknown level "${value}"`);
        options.logLevel = value;
        break;
      case 'label':
        options.label = value;
        break;
      case 'runtime':
        if (value !== 'dist' && value !== 'source') throw new UsageError(`--runtime must be dist or source, got "${value}"`);
        options.runtime = value;
        break;
      case 'sut':
        if (!value) throw new UsageError('--sut needs the path of a checkout');
        options.systemUnderTest = value;
        break;
      case 'dist':
        if (!value) throw new UsageError('--dist needs a folder');
        options.prebuiltDist = value;
        break;
      case 'cpu-prof':
        options.cpuProfile = value.split(',').map((service) => serviceName(service, name));
        break;
      case 'alloc-prof':
        options.allocationProfile = value.split(',').map((service) => serviceName(service, name));
        break;
      case 'env': {
        const env = /^([a-z-]+):([A-Z][A-Z0-9_]*)=(.*)$/.exec(value);
        if (!env) throw new UsageError(`--env must look like service:NAME=value, got "${value}"`);
        const service = serviceName(env[1], name);
        options.serviceEnv[service] = { ...options.serviceEnv[service], [env[2]]: env[3] };
        break;
      }
      case 'help':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option --${name}`);
    }
  }
  if ((options.systemUnderTest || options.prebuiltDist) && options.runtime !== 'dist')
    throw new UsageError('--sut and --dist run compiled services: not with --runtime=source');
  if ((options.systemUnderTest || options.prebuiltDist) && options.attach) throw new UsageError('--sut and --dist start a stack: not with --attach');
  return options;
}
