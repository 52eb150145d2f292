import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allTopics, TOPIC_PARTITIONS } from '@order-saga/contracts';
import { CACHE_DIR, callService, Infra, KafkaCluster, RunningService, ServiceName, Services, startKafkaCluster } from '@order-saga/infra';
import { RunningSystem, startSystem, WebhookRecorder } from '@order-saga/shared/testing';
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
 * Everything one chaos run needs, all its own: Kafka (1 node, or 3 with replication factor 3), and on it the
 * system as startSystem boots it (fresh `chaos_<variant>_*` databases, two replicas of each service, an OAuth
 * client), a webhook recorder, the catalog and customers of the workload and a webhook endpoint for the recorder.
 */
export async function startChaosStack(variant: Variant, workload: Workload, log: (line: string) => void): Promise<ChaosStack> {
  const dataDir = mkdtempSync(join(tmpdir(), `order-saga-chaos-${variant}-`));
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: Error) => log(`cleanup failed: ${error.message}`));
    cleanups.length = 0;
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

    const recorder = new WebhookRecorder();
    const webhookUrl = await recorder.start();
    cleanups.push(() => recorder.stop());

    const system = await startSystem({
      name: 'chaos',
      dataDir,
      databasePrefix: `chaos_${variant}`,
      kafkaBrokers: cluster.bootstrapServers,
      replicas: 2,
      env: serviceEnv(),
      clients: { chaos: { id: CHAOS_CLIENT_ID, scopes: ['read', 'write'] } },
      log,
    });
    cleanups.push(() => system.stop());

    const webhookSecret = await seed(system, workload, webhookUrl);
    const { infra, services } = system;
    log(`stack ready: ${services.running.length} service processes, Kafka ${cluster.bootstrapServers}, logs in ${system.address.logDir}`);
    return { dataDir, cluster, infra, services, recorder, webhookSecret, client: system.client(), watch: (service) => system.watch(service), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Settings for a run on a shared 2-core machine: small connection pools (ten processes share one
 * PostgreSQL), quick webhook retries, loopback receivers allowed (startSystem keeps the gateway's limits out of the way).
 */
function serviceEnv(): Partial<Record<ServiceName, Record<string, string>>> {
  const pool = (size: number) => ({ DATABASE_POOL_SIZE: String(size) });
  return {
    gateway: pool(2),
    'order-service': pool(5),
    'inventory-service': pool(4),
    'payment-service': pool(4),
    'notification-service': { ...pool(3), DEPLOY_ENV: 'test', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_RETRY_SCHEDULE_SECONDS: '0,1,2,5,10,20,30' },
  };
}

/** Catalog, customers and the recorder's webhook endpoint. */
async function seed(system: RunningSystem, workload: Workload, webhookUrl: string): Promise<string> {
  const clientId = system.client().id;
  for (const product of workload.products) {
    await system.seed.product({
      productId: product.productId,
      name: `chaos ${product.productId}`,
      unitPrice: product.unitPrice,
      available: product.initialStock,
    });
  }
  for (const customerId of [...workload.customers, ...workload.decliningCustomers]) {
    await system.seed.customer({ clientId, customerId, name: `chaos ${customerId}` });
  }
  const endpoint = { url: `${webhookUrl}/webhooks`, event_types: ['order.created', 'order.updated', 'order.cancelled'], description: 'chaos suite recorder' };
  const register = (body: object) =>
    callService<{ secret: string }>('POST', `${system.urls['notification-service']}/webhook-endpoints`, body, { 'x-client-id': clientId });
  // The owning client comes in the x-client-id header; older notification-service builds took it in the body.
  const registered = await register(endpoint).catch(() => register({ ...endpoint, client_id: clientId }));
  return registered.secret;
}
