import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureSigningKeys,
  Infra,
  InfraOptions,
  killOnExit,
  registerOAuthClient,
  RunningService,
  ServiceName,
  Services,
  ServicesOptions,
  startInfra,
  startServices,
} from '@order-saga/infra';
import { postgresAdminUrl } from '../admin-query';
import { unthrottledGatewayEnv } from '../test-gateway';
import { RegisteredClient, TestSystem } from './test-system';

export interface SystemClient {
  id: string;
  scopes: string[];
  tier?: 'standard' | 'sandbox';
}

export interface SystemOptions extends Pick<ServicesOptions, 'replicas' | 'runtime' | 'distDir' | 'logLevel'> {
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
  /** OAuth clients to register with fresh secrets, by role; the first is the default. Default: `<name>-client`, read write. */
  clients?: Record<string, SystemClient>;
  /**
   * Per service, on top of the defaults: the gateway unthrottled (limits far above any suite's rate, counters
   * of this run's own), so only a test that starts a gateway with small limits of its own sees a 429.
   */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  log?: (line: string) => void;
}

/** A system started by startSystem: a TestSystem, plus the processes behind it and stop(). */
export class RunningSystem extends TestSystem {
  constructor(
    address: TestSystem['address'],
    readonly infra: Infra,
    readonly services: Services,
    private readonly forget: Map<RunningService, () => void>,
  ) {
    super(address);
  }

  /** Kills `service` (a process respawned since the start) when this process dies before stop(). */
  watch(service: RunningService): void {
    this.forget.get(service)?.();
    this.forget.set(service, killOnExit(service.child));
  }

  /** Stops every service process, then the broker if the system started one. */
  async stop(): Promise<void> {
    try {
      await this.services.stop();
      await this.infra.stop();
    } finally {
      for (const forget of this.forget.values()) forget();
      this.forget.clear();
    }
  }
}

/**
 * The whole system as real processes, the one way every suite, the chaos run and the bench boot it (over
 * tools/infra's launcher): Kafka (given, or started here), fresh databases, the five services, the gateway's
 * signing keys and registered OAuth clients. Anything started is stopped again when a later step fails.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const log = options.log ?? ((line: string) => process.stdout.write(`[${options.name}] ${line}\n`));
  const dataDir = options.dataDir ?? mkdtempSync(join(process.env.ORDER_SAGA_TEST_DATA_DIR ?? tmpdir(), `${options.name}-`));
  const infra = await startInfra({
    dataDir,
    databasePrefix: options.databasePrefix,
    resetDatabases: true,
    postgresAdminUrl: postgresAdminUrl(),
    kafkaBrokers: options.ownBroker ? undefined : (options.kafkaBrokers ?? process.env.KAFKA_BROKERS),
    kafkaClientSecurity: options.kafkaClientSecurity,
    log,
  });
  let services: Services | undefined;
  const forget = new Map<RunningService, () => void>();
  try {
    const jwtSigningKeysFile = await ensureSigningKeys(join(dataDir, 'jwt-signing-keys.json'));
    services = await startServices(infra, {
      jwtSigningKeysFile,
      logLevel: options.logLevel ?? 'info',
      replicas: options.replicas,
      runtime: options.runtime,
      distDir: options.distDir,
      env: { ...options.env, gateway: { ...unthrottledGatewayEnv(options.name), ...options.env?.gateway } },
    });
    for (const service of services.running) forget.set(service, killOnExit(service.child));
    const clients = await registerClients(
      infra.databaseUrls.gateway,
      options.clients ?? { default: { id: `${options.name}-client`, scopes: ['read', 'write'] } },
    );
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
    };
    return new RunningSystem(address, infra, services, forget);
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
