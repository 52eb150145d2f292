import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allTopics, TOPIC_PARTITIONS } from '@order-saga/contracts';
import {
  CACHE_DIR,
  callService,
  ensureSigningKeys,
  Infra,
  KafkaCluster,
  killOnExit,
  registerOAuthClient,
  RunningService,
  ServiceName,
  Services,
  startInfra,
  startKafkaCluster,
  startServices,
} from '@order-saga/infra';
import { unthrottledGatewayEnv, WebhookRecorder } from '@order-saga/shared/testing';
import { Workload } from './workload';

export type Variant = 'single' | 'cluster';

export interface ChaosStack {
  dataDir: string;
  cluster: KafkaCluster;
  infra: Infra;
  services: Services;
  recorder: WebhookRecorder;
  webhookSecret: string;
  client: { id: string; secret: string };
  /** Registers a (re)spawned service process to be SIGKILLed if this run dies before stopping it. */
  watch(service: RunningService): void;
  stop(): Promise<void>;
}

export const CHAOS_CLIENT_ID = 'chaos-client';

/**
 * Everything one chaos run needs, all its own: Kafka (1 node, or 3 with replication factor 3), fresh
 * `chaos_<variant>_*` databases, two replicas of each service, a webhook recorder, an OAuth client, the
 * catalog and customers of the workload and a webhook endpoint for the recorder.
 */
export async function startChaosStack(variant: Variant, workload: Workload, log: (line: string) => void): Promise<ChaosStack> {
  const dataDir = mkdtempSync(join(tmpdir(), `order-saga-chaos-${variant}-`));
  const forgets = new Map<RunningService, () => void>();
  const watch = (service: RunningService) => {
    forgets.get(service)?.();
    forgets.set(service, killOnExit(service.child));
  };
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: Error) => log(`cleanup failed: ${error.message}`));
    cleanups.length = 0;
    for (const forget of forgets.values()) forget();
  };

  try {
    const cluster = await startKafkaCluster({
      cacheDir: CACHE_DIR,
      dataDir: join(dataDir, 'kafka'),
      size: variant === 'cluster' ? 3 : 1,
      heapMb: variant === 'cluster' ? 400 : 600,
      log,
    });
    cleanups.push(() => cluster.stop());
    await cluster.ensureTopics(allTopics(), TOPIC_PARTITIONS);

    const infra = await startInfra({
      dataDir,
      databasePrefix: `chaos_${variant}`,
      resetDatabases: true,
      postgresAdminUrl: process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      kafkaBrokers: cluster.bootstrapServers,
      log,
    });
    cleanups.push(() => infra.stop());

    const recorder = new WebhookRecorder();
    const webhookUrl = await recorder.start();
    cleanups.push(() => recorder.stop());

    const services = await startServices(infra, {
      jwtSigningKeysFile: await ensureSigningKeys(join(dataDir, 'jwt-signing-keys.json')),
      logLevel: 'info',
      replicas: 2,
      env: serviceEnv(),
    });
    services.running.forEach(watch);
    cleanups.push(() => services.stop());

    const client = { id: CHAOS_CLIENT_ID, secret: randomBytes(24).toString('base64url') };
    await registerOAuthClient(infra.databaseUrls.gateway, client.id, client.secret, ['read', 'write']);
    const webhookSecret = await seed(services, workload, webhookUrl, client.id);
    log(`stack ready: ${services.running.length} service processes, Kafka ${cluster.bootstrapServers}, logs in ${join(dataDir, 'logs')}`);
    return { dataDir, cluster, infra, services, recorder, webhookSecret, client, watch, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Settings for a run on a shared 2-core machine: small connection pools (ten processes share one
 * PostgreSQL), no rate limit in the way of the load, quick webhook retries, loopback receivers allowed.
 */
function serviceEnv(): Partial<Record<ServiceName, Record<string, string>>> {
  const pool = (size: number) => ({ DATABASE_POOL_SIZE: String(size) });
  return {
    gateway: {
      ...pool(2),
      ...unthrottledGatewayEnv('chaos'),
    },
    'order-service': pool(5),
    'inventory-service': pool(4),
    'payment-service': pool(4),
    'notification-service': { ...pool(3), DEPLOY_ENV: 'test', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_RETRY_SCHEDULE_SECONDS: '0,1,2,5,10,20,30' },
  };
}

/** Catalog, customers and the recorder's webhook endpoint, through the services' internal APIs. */
async function seed(services: Services, workload: Workload, webhookUrl: string, clientId: string): Promise<string> {
  const { urls } = services;
  for (const product of workload.products) {
    await callService('PUT', `${urls['inventory-service']}/products/${product.productId}`, {
      name: `chaos ${product.productId}`,
      unit_price: product.unitPrice,
      available: product.initialStock,
    });
  }
  for (const customerId of [...workload.customers, ...workload.decliningCustomers]) {
    await callService('PUT', `${urls['order-service']}/customers/${customerId}`, { name: `chaos ${customerId}` }, { 'x-client-id': clientId });
  }
  const endpoint = { url: `${webhookUrl}/webhooks`, event_types: ['order.created', 'order.updated', 'order.cancelled'], description: 'chaos suite recorder' };
  const register = (body: object) =>
    callService<{ secret: string }>('POST', `${urls['notification-service']}/webhook-endpoints`, body, { 'x-client-id': clientId });
  // The owning client comes in the x-client-id header; older notification-service builds took it in the body.
  const registered = await register(endpoint).catch(() => register({ ...endpoint, client_id: clientId }));
  return registered.secret;
}
