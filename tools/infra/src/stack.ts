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
}

export interface Services {
  /** Of the first replica of each service. */
  urls: Record<ServiceName, string>;
  running: RunningService[];
  replicas: Record<ServiceName, RunningService[]>;
  stop(): Promise<void>;
}

/** Starts all five services against the infra and waits until each is ready. */
export async function startServices(infra: Infra, options: ServicesOptions): Promise<Services> {
  const ports = {} as Record<ServiceName, number>;
  for (const [index, service] of SERVICE_NAMES.entries()) {
    ports[service] = options.basePort ? options.basePort + index : await freePort();
  }
  const gatewayUrl = `http://localhost:${ports.gateway}`;
  const common = (service: ServiceName): Record<string, string> => ({
    DATABASE_URL: infra.databaseUrls[service],
    KAFKA_BROKERS: infra.kafkaBrokers,
    LOG_LEVEL: options.logLevel ?? 'info',
    ...(service === 'gateway' ? {} : infra.kafkaClientEnv(service)),
    ...(options.env?.[service] ?? {}),
  });
  const specs: ServiceSpec[] = [
    {
      name: 'gateway',
      port: ports.gateway,
      entry: 'apps/gateway/src/main.ts',
      readyPath: '/health/ready',
      env: {
        ...common('gateway'),
        JWT_SIGNING_KEYS_FILE: options.jwtSigningKeysFile,
        ORDER_SERVICE_URL: `http://127.0.0.1:${ports['order-service']}`,
        INVENTORY_SERVICE_URL: `http://127.0.0.1:${ports['inventory-service']}`,
        NOTIFICATION_SERVICE_URL: `http://127.0.0.1:${ports['notification-service']}`,
        PUBLIC_BASE_URL: gatewayUrl,
      },
    },
    {
      name: 'order-service',
      port: ports['order-service'],
      entry: 'apps/order-service/src/main.ts',
      readyPath: '/health/ready',
      env: { ...common('order-service'), PUBLIC_BASE_URL: gatewayUrl },
    },
    {
      name: 'inventory-service',
      port: ports['inventory-service'],
      entry: 'apps/inventory-service/src/main.ts',
      readyPath: '/health/ready',
      env: common('inventory-service'),
    },
    {
      name: 'payment-service',
      port: ports['payment-service'],
      entry: 'apps/payment-service/src/main.ts',
      readyPath: '/health/ready',
      env: common('payment-service'),
    },
    {
      name: 'notification-service',
      port: ports['notification-service'],
      entry: 'apps/notification-service/src/main.ts',
      readyPath: '/health/ready',
      env: common('notification-service'),
    },
  ];
  for (const spec of specs) Object.assign(spec, { runtime: options.runtime, distDir: options.distDir });
  const logDir = join(infra.options.dataDir, 'logs');
  const replicaSpecs = await withReplicas(specs, ports, options.replicas ?? 1);
  const replicas = Object.fromEntries(
    Object.entries(replicaSpecs).map(([service, list]) => [service, list.map((spec) => spawnService(spec, logDir))]),
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
  const urls = Object.fromEntries(Object.entries(replicas).map(([service, list]) => [service, list[0].url])) as Record<ServiceName, string>;
  return { urls, running, replicas, stop };
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
async function withReplicas(specs: ServiceSpec[], ports: Record<ServiceName, number>, count: number): Promise<Record<ServiceName, ServiceSpec[]>> {
  if (count <= 1) return Object.fromEntries(specs.map((spec) => [spec.name, [spec]])) as Record<ServiceName, ServiceSpec[]>;
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
  ) as Record<ServiceName, ServiceSpec[]>;
}
