import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSigningKeys, Infra, registerOAuthClient, Services, startInfra, startServices } from '@order-saga/infra';
import { unthrottledGatewayEnv } from '@order-saga/shared/testing';

/** Credentials and addresses the e2e specs read from the environment set up here. */
export const E2E_CLIENTS = {
  writer: { id: 'e2e-writer', scopes: ['read', 'write'] },
  reader: { id: 'e2e-reader', scopes: ['read'] },
  other: { id: 'e2e-other-client', scopes: ['read', 'write'] },
} as const;

interface Running {
  infra: Infra;
  services?: Services;
}

const running = globalThis as typeof globalThis & { __orderSagaE2e?: Running };

/**
 * Starts the whole system for the e2e suite: the broker `npm test` started (or a new one), fresh
 * databases, all five services as real processes, and OAuth clients.
 */
export async function startE2eStack(): Promise<void> {
  const log = (line: string) => process.stdout.write(`[e2e] ${line}\n`);
  const dataDir = mkdtempSync(join(process.env.ORDER_SAGA_TEST_DATA_DIR ?? tmpdir(), 'e2e-'));
  const infra = await startInfra({
    dataDir,
    // Overridable so that two checkouts on one machine can run the suite at once.
    databasePrefix: process.env.ORDER_SAGA_E2E_DB_PREFIX ?? 'order_saga_e2e',
    resetDatabases: true,
    postgresAdminUrl: process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    kafkaBrokers: process.env.KAFKA_BROKERS,
    log,
  });
  running.__orderSagaE2e = { infra };
  try {
    running.__orderSagaE2e.services = await startServices(infra, {
      jwtSigningKeysFile: await ensureSigningKeys(join(dataDir, 'jwt-signing-keys.json')),
      logLevel: 'info',
      // The suite's shared gateway must not throttle the other specs; edge-rate-limit.e2e-spec.ts starts
      // gateways with small limits of its own. A fresh key prefix keeps runs from sharing counters.
      env: { gateway: unthrottledGatewayEnv('e2e') },
    });
    await registerClients(infra);
  } catch (error) {
    // Jest skips global teardown when setup fails, so nothing started may be left behind here.
    await stopE2eStack();
    throw error;
  }
  exportAddresses(infra, running.__orderSagaE2e.services, dataDir);
  log(`stack ready; service logs in ${join(dataDir, 'logs')}`);
}

async function registerClients(infra: Infra): Promise<void> {
  for (const [role, client] of Object.entries(E2E_CLIENTS)) {
    const secret = randomBytes(18).toString('base64url');
    await registerOAuthClient(infra.databaseUrls.gateway, client.id, secret, [...client.scopes]);
    process.env[`E2E_${role.toUpperCase()}_SECRET`] = secret;
  }
}

function exportAddresses(infra: Infra, services: Services, dataDir: string): void {
  process.env.E2E_GATEWAY_URL = services.urls.gateway;
  process.env.E2E_INVENTORY_URL = services.urls['inventory-service'];
  process.env.E2E_ORDER_URL = services.urls['order-service'];
  process.env.E2E_PAYMENT_URL = services.urls['payment-service'];
  process.env.E2E_NOTIFICATION_URL = services.urls['notification-service'];
  process.env.E2E_INVENTORY_DB = infra.databaseUrls['inventory-service'];
  process.env.E2E_ORDER_DB = infra.databaseUrls['order-service'];
  process.env.E2E_PAYMENT_DB = infra.databaseUrls['payment-service'];
  process.env.E2E_LOG_DIR = join(dataDir, 'logs');
  process.env.E2E_DATA_DIR = dataDir;
  process.env.E2E_GATEWAY_DB = infra.databaseUrls.gateway;
  process.env.E2E_JWT_SIGNING_KEYS_FILE = join(dataDir, 'jwt-signing-keys.json');
}

export async function stopE2eStack(): Promise<void> {
  const state = running.__orderSagaE2e;
  await state?.services?.stop();
  await state?.infra.stop();
}
