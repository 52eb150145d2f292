import { join } from 'node:path';
import { BROKER_ADMIN_USER, BrokerSecurity, createBrokerSecurity, KafkaClientSecurityOptions, KafkaSecurityMode } from './broker-security';
import { freePort } from './free-port';
import { grantKafkaUserAcls } from './kafka-acls';
import { KafkaBroker, startKafkaBroker } from './kafka-broker';
import { CACHE_DIR } from './paths';
import { heartbeat, type Log } from './progress';
import { databaseUrl, ensureDatabases } from './postgres';
import { RunningService, ServiceRuntime, ServiceSpec, spawnService, stopService, waitUntilReady } from './services';
import { ensureTopics } from './topics';

export type { Log } from './progress';

export interface InfraOptions {
  /** Broker data and service logs go below this folder. */
  dataDir: string;
  /** Databases are `<prefix>_<service>`. */
  databasePrefix: string;
  /** Drop and recreate the databases first (tests start from nothing). */
  resetDatabases: boolean;
  /** Server-level URL used to create databases; each service gets its own database on this server. */
  postgresAdminUrl: string;
  /** Use this running broker instead of starting one. */
  kafkaBrokers?: string;
  /**
   * How the launcher's own clients (topic creation) reach `kafkaBrokers` when that broker wants TLS or SASL:
   * the messaging library's `kafkaClientSecurity(kafkaSecurityConfigFrom(process.env))`. The services it
   * starts read the same KAFKA_SSL / KAFKA_SASL_* variables from the environment they inherit.
   */
  kafkaClientSecurity?: KafkaClientSecurityOptions;
  kafkaPort?: number;
  /**
   * For the broker started here: `sasl_ssl` gives it a SASL_SSL listener (SCRAM-SHA-512 users: the broker's
   * admin and one per service), certificates made for the run, and a mutual-TLS listener (broker-security.ts).
   * Default `plaintext`.
   */
  kafkaSecurity?: KafkaSecurityMode;
  log: Log;
}

export interface Infra {
  kafkaBrokers: string;
  databaseUrls: Record<ServiceName, string>;
  options: InfraOptions;
  /** With `kafkaSecurity: 'sasl_ssl'`: the CA, users, passwords and the mutual-TLS listener's address. */
  kafkaSecurity?: BrokerSecurity & { mutualTlsBrokers: string };
  /** The messaging library's Kafka settings (KAFKA_SSL, KAFKA_SASL_*) for a service or tool connecting as `user`; empty in plaintext. */
  kafkaClientEnv(user: string): Record<string, string>;
  stop(): Promise<void>;
}

export const SERVICE_DATABASES = {
  gateway: 'gateway',
  'order-service': 'orders',
  'inventory-service': 'inventory',
  'payment-service': 'payments',
  'notification-service': 'notifications',
} as const;
export type ServiceName = keyof typeof SERVICE_DATABASES;
export const SERVICE_NAMES = Object.keys(SERVICE_DATABASES) as ServiceName[];
/** The services with a Kafka client, each its own SCRAM user on a secured broker (as each its own KafkaUser in k8s/). */
export const KAFKA_SERVICES = SERVICE_NAMES.filter((service) => service !== 'gateway');

/** Kafka (started here unless given), one database per service, every topic. */
export async function startInfra(options: InfraOptions): Promise<Infra> {
  const { log } = options;
  const secured = options.kafkaSecurity === 'sasl_ssl';
  if (secured && options.kafkaBrokers)
    throw new Error(`kafkaSecurity 'sasl_ssl' secures the broker the launcher starts; it cannot apply to ${options.kafkaBrokers}`);
  let broker: KafkaBroker | undefined;
  let kafkaBrokers = options.kafkaBrokers;
  let security: BrokerSecurity | undefined;
  let adminSecurity: KafkaClientSecurityOptions = (options.kafkaBrokers && options.kafkaClientSecurity) || {};
  if (!kafkaBrokers) {
    log(`starting Kafka (KRaft${secured ? ', SASL_SSL' : ''}) …`);
    // A secured broker keeps storage of its own: its SCRAM users are written when that storage is formatted.
    const dataDir = join(options.dataDir, secured ? 'kafka-sasl-ssl' : 'kafka');
    security = secured ? await createBrokerSecurity(join(dataDir, 'security'), KAFKA_SERVICES) : undefined;
    broker = await startKafkaBroker({ cacheDir: CACHE_DIR, dataDir, port: options.kafkaPort, heapMb: 768, security, log });
    kafkaBrokers = broker.bootstrapServers;
    if (security) adminSecurity = await security.clientOptions(BROKER_ADMIN_USER);
    log(`Kafka ready at ${kafkaBrokers}${security ? ` (SASL_SSL; mutual TLS at ${broker.mutualTlsBootstrapServers}; CA ${security.ca.certFile})` : ''}`);
  }
  try {
    const names = SERVICE_NAMES.map((service) => `${options.databasePrefix}_${SERVICE_DATABASES[service]}`);
    await ensureDatabases(options.postgresAdminUrl, names, options.resetDatabases);
    await ensureTopics(kafkaBrokers, adminSecurity);
    if (security) log(`Kafka: ${await grantKafkaUserAcls(kafkaBrokers, adminSecurity)} ACL entries granted, those of the KafkaUsers in k8s/`);
  } catch (error) {
    await broker?.stop();
    throw error;
  }
  const databaseUrls = Object.fromEntries(
    SERVICE_NAMES.map((service) => [service, databaseUrl(options.postgresAdminUrl, `${options.databasePrefix}_${SERVICE_DATABASES[service]}`)]),
  ) as Record<ServiceName, string>;
  log(`databases ready: ${Object.values(databaseUrls).join(', ')}`);
  return {
    kafkaBrokers,
    databaseUrls,
    options,
    kafkaSecurity: security && broker?.mutualTlsBootstrapServers ? { ...security, mutualTlsBrokers: broker.mutualTlsBootstrapServers } : undefined,
    kafkaClientEnv: (user) => security?.clientEnv(user) ?? {},
    stop: async () => broker?.stop(),
  };
}

export interface ServicesOptions {
  /** Fixed ports from here upwards (gateway first); free ports when absent. */
  basePort?: number;
  /** The gateway's ES256 signing key file (see ensureSigningKeys in seed.ts). */
  jwtSigningKeysFile: string;
  logLevel?: string;
  /** Extra environment per service, e.g. a short outcome budget in a test. */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /**
   * Processes per service (default 1). Each replica has its own port and log (`<service>-<n>.log`);
   * gateway replica n calls replica n of each service behind it.
   */
  replicas?: number;
  /** How the services run: from TypeScript source (default) or compiled, see ServiceSpec.runtime. */
  runtime?: ServiceRuntime;
  /** For runtime `dist`: the folder buildDist compiled into (default `<repo>/dist`). */
  distDir?: string;
  /** What node is given before each service's entry point (default SERVICE_NODE_FLAGS). */
  nodeFlags?: readonly string[];
  /**
   * Start only these services (default all five). Every service still gets its port and its URL, so one
   * started later on that port (serviceSpec) is where the others look for it.
   */
  only?: ServiceName[];
}

export interface Services {
  /** Of the first replica of each service; a service not started has its URL all the same (see `only`). */
  urls: Record<ServiceName, string>;
  /** The port of each service's first replica, those not started included. */
  ports: Record<ServiceName, number>;
  running: RunningService[];
  replicas: Record<ServiceName, RunningService[]>;
  stop(): Promise<void>;
}

/** Starts the services (all five unless `only` says) against the infra and waits until each is ready. */
export async function startServices(infra: Infra, options: ServicesOptions): Promise<Services> {
  const ports = {} as Record<ServiceName, number>;
  for (const [index, service] of SERVICE_NAMES.entries()) {
    ports[service] = options.basePort ? options.basePort + index : await freePort();
  }
  const started = options.only ?? SERVICE_NAMES;
  const specs = started.map((service) => serviceSpec(infra, service, ports, options));
  const logDir = join(infra.options.dataDir, 'logs');
  const replicaSpecs = await withReplicas(specs, ports, options.replicas ?? 1);
  const replicas = Object.fromEntries(
    SERVICE_NAMES.map((service) => [service, (replicaSpecs[service] ?? []).map((spec) => spawnService(spec, logDir))]),
  ) as Record<ServiceName, RunningService[]>;
  const running = Object.values(replicas).flat();
  const stop = async () => {
    await Promise.all(running.map((service) => stopService(service)));
  };
  try {
    await waitWithProgress(running, infra.options.log);
  } catch (error) {
    await stop();
    throw error;
  }
  infra.options.log(`services ready; logs in ${logDir}`);
  const urls = Object.fromEntries(SERVICE_NAMES.map((service) => [service, `http://127.0.0.1:${ports[service]}`])) as Record<ServiceName, string>;
  return { urls, ports, running, replicas, stop };
}

/**
 * How the launcher runs `service` against `infra`, on its port in `ports`: its entry, its readiness path and its
 * environment (its database, the broker and, on a secured broker, its own Kafka user, then `options.env`, then
 * the addresses in `ports` of the services it calls and of the public gateway).
 */
export function serviceSpec(infra: Infra, service: ServiceName, ports: Record<ServiceName, number>, options: ServicesOptions): ServiceSpec {
  const gatewayUrl = `http://localhost:${ports.gateway}`;
  const own: Record<ServiceName, Record<string, string>> = {
    gateway: {
      JWT_SIGNING_KEYS_FILE: options.jwtSigningKeysFile,
      ORDER_SERVICE_URL: `http://127.0.0.1:${ports['order-service']}`,
      INVENTORY_SERVICE_URL: `http://127.0.0.1:${ports['inventory-service']}`,
      NOTIFICATION_SERVICE_URL: `http://127.0.0.1:${ports['notification-service']}`,
      PAYMENT_SERVICE_URL: `http://127.0.0.1:${ports['payment-service']}`,
      PUBLIC_BASE_URL: gatewayUrl,
    },
    'order-service': { PUBLIC_BASE_URL: gatewayUrl },
    'inventory-service': {},
    'payment-service': {},
    'notification-service': {},
  };
  return {
    name: service,
    port: ports[service],
    entry: `apps/${service}/src/main.ts`,
    readyPath: '/health/ready',
    env: {
      DATABASE_URL: infra.databaseUrls[service],
      KAFKA_BROKERS: infra.kafkaBrokers,
      LOG_LEVEL: options.logLevel ?? 'info',
      ...(service === 'gateway' ? {} : infra.kafkaClientEnv(service)),
      ...options.env?.[service],
      ...own[service],
    },
    runtime: options.runtime,
    distDir: options.distDir,
    nodeFlags: options.nodeFlags,
  };
}

/** Waits for every service, naming each as it gets ready and, every 10 s, those still starting. */
async function waitWithProgress(running: RunningService[], log: Log): Promise<void> {
  const pending = new Set(running.map((service) => service.spec.name));
  log(`starting ${running.length} service processes …`);
  const progress = heartbeat(log, (elapsed) => `still starting: ${[...pending].join(', ')} … ${elapsed}`);
  try {
    await Promise.all(
      running.map(async (service) => {
        await waitUntilReady(service);
        pending.delete(service.spec.name);
        log(`${service.spec.name} ready on ${service.url} after ${progress.elapsed()}`);
      }),
    );
  } finally {
    progress.stop();
  }
}

/**
 * Copies of each spec on free ports. In a copy's environment, every 127.0.0.1 address of a service's
 * first replica is pointed at the same-numbered replica, so the pairs stay independent.
 */
async function withReplicas(specs: ServiceSpec[], ports: Record<ServiceName, number>, count: number): Promise<Partial<Record<ServiceName, ServiceSpec[]>>> {
  if (count <= 1) return Object.fromEntries(specs.map((spec) => [spec.name, [spec]]));
  const taken = new Set<number>(Object.values(ports));
  const portOf = {} as Record<ServiceName, number[]>;
  for (const service of SERVICE_NAMES) {
    portOf[service] = [ports[service]];
    while (portOf[service].length < count) {
      const port = await freePort();
      if (!taken.has(port)) {
        taken.add(port);
        portOf[service].push(port);
      }
    }
  }
  const retarget = (env: Record<string, string>, replica: number) =>
    Object.fromEntries(
      Object.entries(env).map(([name, value]) => [
        name,
        SERVICE_NAMES.reduce(
          (text, service) => text.replace(new RegExp(`127\\.0\\.0\\.1:${ports[service]}(?!\\d)`, 'g'), `127.0.0.1:${portOf[service][replica]}`),
          value,
        ),
      ]),
    );
  return Object.fromEntries(
    specs.map((spec) => {
      const service = spec.name as ServiceName;
      const copies = portOf[service].map((port, replica) => ({ ...spec, name: `${spec.name}-${replica + 1}`, port, env: retarget(spec.env, replica) }));
      return [service, copies];
    }),
  );
}
