import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createOperator,
  ensureSigningKeys,
  freePort,
  Infra,
  InfraOptions,
  KafkaSecurityMode,
  killOnExit,
  OperatorSignIn,
  registerOAuthClient,
  RunningService,
  ServiceName,
  Services,
  serviceSpec,
  ServicesOptions,
  spawnService,
  startInfra,
  startServices,
  stopService,
  waitUntilReady,
} from '@order-saga/infra';
import { postgresAdminUrl } from '../admin-query';
import { unthrottledGatewayEnv } from '../test-gateway';
import { RegisteredClient, TestSystem } from './test-system';

export interface SystemClient {
  id: string;
  scopes: string[];
  tier?: 'standard' | 'sandbox';
}

export interface SystemOptions extends Pick<ServicesOptions, 'replicas' | 'runtime' | 'distDir' | 'nodeFlags' | 'logLevel'> {
  /** Names the run: its log lines (`[name] …`), its data folder, its gateway's rate-limit counters. */
  name: string;
  /** The databases are `<databasePrefix>_<service>`, dropped and created afresh. */
  databasePrefix: string;
  /** Broker data, keys and service logs; default a new folder below ORDER_SAGA_TEST_DATA_DIR or the OS's temp folder. */
  dataDir?: string;
  /** A running broker or cluster; default KAFKA_BROKERS (the one `npm test` started), else a broker of the system's own. */
  kafkaBrokers?: string;
  /** A broker of the system's own even when KAFKA_BROKERS is set (a suite that reads the broker's or the groups' state). */
  ownBroker?: boolean;
  /** How the launcher's topic creation reaches a given broker that wants TLS or SASL (see InfraOptions). */
  kafkaClientSecurity?: InfraOptions['kafkaClientSecurity'];
  /**
   * The launcher's security mode for a broker of the system's own (`npm run infra -- --security sasl_ssl`):
   * `sasl_ssl` starts it with only SASL_SSL and mutual-TLS listeners and the KafkaUsers' ACLs, and each
   * service connects as its own SCRAM user (KAFKA_SSL, KAFKA_SASL_*; see RunningSystem.infra.kafkaClientEnv).
   * Implies ownBroker. Default `plaintext`.
   */
  kafkaSecurity?: KafkaSecurityMode;
  /** The services started with the system (default all five); each of the others keeps its port for startService. */
  services?: ServiceName[];
  /** OAuth clients to register with fresh secrets, by role; the first is the default. Default: `<name>-client`, read write. */
  clients?: Record<string, SystemClient>;
  /** Operators of the console to create with generated passwords, by role (the first is the default). Default: none. */
  operators?: Record<string, { username: string; displayName?: string }>;
  /**
   * Per service, on top of the defaults: the gateway unthrottled (limits far above any suite's rate, counters
   * of this run's own), so only a test that starts a gateway with small limits of its own sees a 429.
   */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  log?: (line: string) => void;
}

export interface StartServiceOptions {
  /** Process and log file name; default the service's own for its first process, `<service>-<n>` after that. */
  name?: string;
  /** Changes to the environment the launcher gives the service (a proxied DATABASE_URL, a wrong password…), applied last. */
  env?: Record<string, string>;
  /** Wait until the process is ready (default); false hands it back at once, e.g. to watch it fail to boot. */
  waitUntilReady?: boolean;
}

/** A system started by startSystem: a TestSystem, plus the processes behind it and stop(). */
export class RunningSystem extends TestSystem {
  private readonly started: RunningService[] = [];
  private currentInfra: Infra;

  constructor(
    address: TestSystem['address'],
    infra: Infra,
    readonly services: Services,
    private readonly servicesOptions: ServicesOptions,
    private readonly forget: Map<RunningService, () => void>,
  ) {
    super(address);
    this.currentInfra = infra;
  }

  /** The broker and the databases (a new Infra after startBroker). */
  get infra(): Infra {
    return this.currentInfra;
  }

  /** Kills `service` (a process respawned since the start) when this process dies before stop(). */
  watch(service: RunningService): void {
    this.forget.get(service)?.();
    this.forget.set(service, killOnExit(service.child));
  }

  /**
   * One more process of `service`, run as the launcher runs it but for `options.env`, and stopped with the
   * system. A service the system was started without (SystemOptions.services) takes its own port, where the
   * others look for it; any further process gets a free one.
   */
  async startService(service: ServiceName, options: StartServiceOptions = {}): Promise<RunningService> {
    const spec = serviceSpec(this.infra, service, this.services.ports, this.servicesOptions);
    const processes = [...this.services.replicas[service], ...this.started.filter((running) => running.spec.entry === spec.entry)];
    const first = processes.length === 0;
    const running = spawnService(
      {
        ...spec,
        name: options.name ?? (first ? service : `${service}-${processes.length + 1}`),
        port: first ? spec.port : await freePort(),
        env: { ...spec.env, ...options.env },
      },
      this.address.logDir,
    );
    this.started.push(running);
    this.watch(running);
    try {
      if (options.waitUntilReady ?? true) await waitUntilReady(running);
    } catch (error) {
      await stopService(running);
      throw error;
    }
    return running;
  }

  /** Stops the system's own broker, to see what the services do without Kafka; startBroker brings it back. */
  async stopBroker(): Promise<void> {
    this.ownBrokerOnly('stopBroker');
    await this.infra.stop();
  }

  /** Starts the system's own broker again after stopBroker, on the same port and with the data it had. */
  async startBroker(): Promise<void> {
    this.ownBrokerOnly('startBroker');
    const kafkaPort = Number(this.infra.kafkaBrokers.split(':').pop());
    this.currentInfra = await startInfra({ ...this.infra.options, resetDatabases: false, kafkaPort });
  }

  /** Stops every service process, then the broker if the system started one. */
  async stop(): Promise<void> {
    try {
      await Promise.all(this.started.map((service) => stopService(service)));
      await this.services.stop();
      await this.infra.stop();
    } finally {
      for (const forget of this.forget.values()) forget();
      this.forget.clear();
    }
  }

  private ownBrokerOnly(method: string): void {
    if (this.infra.options.kafkaBrokers !== undefined) throw new Error(`${method}: the system runs on a broker it did not start (${this.infra.kafkaBrokers})`);
  }
}

/**
 * The whole system as real processes, the one way every suite, the chaos run and the bench boot it (over
 * tools/infra's launcher): Kafka (given, or started here), fresh databases, the five services, the gateway's
 * signing keys and registered OAuth clients. Anything started is stopped again when a later step fails.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const ownBroker = options.ownBroker || options.kafkaSecurity === 'sasl_ssl';
  if (options.kafkaSecurity === 'sasl_ssl' && options.kafkaBrokers)
    throw new Error(`kafkaSecurity 'sasl_ssl' secures a broker of the system's own; it cannot apply to ${options.kafkaBrokers}`);
  const log = options.log ?? ((line: string) => process.stdout.write(`[${options.name}] ${line}\n`));
  const dataDir = options.dataDir ?? mkdtempSync(join(process.env.ORDER_SAGA_TEST_DATA_DIR ?? tmpdir(), `${options.name}-`));
  const infra = await startInfra({
    dataDir,
    databasePrefix: options.databasePrefix,
    resetDatabases: true,
    postgresAdminUrl: postgresAdminUrl(),
    kafkaBrokers: ownBroker ? undefined : (options.kafkaBrokers ?? process.env.KAFKA_BROKERS),
    kafkaClientSecurity: options.kafkaClientSecurity,
    kafkaSecurity: options.kafkaSecurity,
    log,
  });
  let services: Services | undefined;
  const forget = new Map<RunningService, () => void>();
  try {
    const jwtSigningKeysFile = await ensureSigningKeys(join(dataDir, 'jwt-signing-keys.json'));
    const servicesOptions: ServicesOptions = {
      jwtSigningKeysFile,
      logLevel: options.logLevel ?? 'info',
      replicas: options.replicas,
      runtime: options.runtime,
      distDir: options.distDir,
      nodeFlags: options.nodeFlags,
      env: { ...options.env, gateway: { ...unthrottledGatewayEnv(options.name), ...options.env?.gateway } },
    };
    services = await startServices(infra, { ...servicesOptions, only: options.services });
    for (const service of services.running) forget.set(service, killOnExit(service.child));
    const clients = await registerClients(
      infra.databaseUrls.gateway,
      options.clients ?? { default: { id: `${options.name}-client`, scopes: ['read', 'write'] } },
    );
    const operators = await createOperators(infra.databaseUrls.gateway, options.operators ?? {});
    const logDir = join(dataDir, 'logs');
    log(`system ready: gateway ${services.urls.gateway}, logs in ${logDir}`);
    const address = {
      gatewayUrl: services.urls.gateway,
      urls: services.urls,
      databaseUrls: infra.databaseUrls,
      kafkaBrokers: infra.kafkaBrokers,
      dataDir,
      logDir,
      jwtSigningKeysFile,
      clients,
      operators,
    };
    return new RunningSystem(address, infra, services, servicesOptions, forget);
  } catch (error) {
    await services?.stop();
    await infra.stop();
    for (const forgetOne of forget.values()) forgetOne();
    throw error;
  }
}

/** Registers each client with a fresh secret, through the gateway's own CLI (so hashing stays in one place). */
async function registerClients(gatewayDatabaseUrl: string, clients: Record<string, SystemClient>): Promise<Record<string, RegisteredClient>> {
  const registered = await Promise.all(
    Object.entries(clients).map(async ([role, client]) => {
      const secret = randomBytes(18).toString('base64url');
      await registerOAuthClient(gatewayDatabaseUrl, client.id, secret, client.scopes, client.tier);
      return [role, { id: client.id, secret, scopes: client.scopes }] as const;
    }),
  );
  return Object.fromEntries(registered);
}

/** Creates each operator through the gateway's own CLI, which generates the password. */
async function createOperators(
  gatewayDatabaseUrl: string,
  operators: Record<string, { username: string; displayName?: string }>,
): Promise<Record<string, OperatorSignIn>> {
  const created = await Promise.all(
    Object.entries(operators).map(
      async ([role, operator]) => [role, await createOperator(gatewayDatabaseUrl, operator.username, operator.displayName ?? operator.username)] as const,
    ),
  );
  return Object.fromEntries(created);
}
