import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSigningKeys, Infra, registerOAuthClient, Services, startInfra, startServices } from '@order-saga/infra';
import { unthrottledGatewayEnv } from '@order-saga/shared/testing';

export const CONFORMANCE_CLIENT_ID = 'conformance-client';

interface Running {
  infra: Infra;
  services?: Services;
}

const running = globalThis as typeof globalThis & { __orderSagaConformance?: Running };

/**
 * The whole system as real processes: the broker `npm test` runs (KAFKA_BROKERS) or a private one,
 * fresh databases under ORDER_SAGA_CONFORMANCE_DB_PREFIX, all five services, one OAuth client.
 */
export async function startConformanceStack(): Promise<void> {
  const log = (line: string) => process.stdout.write(`[conformance] ${line}\n`);
  const dataDir = mkdtempSync(join(process.env.ORDER_SAGA_TEST_DATA_DIR ?? tmpdir(), 'conformance-'));
  const infra = await startInfra({
    dataDir,
    databasePrefix: process.env.ORDER_SAGA_CONFORMANCE_DB_PREFIX ?? `${process.env.ORDER_SAGA_E2E_DB_PREFIX ?? 'order_saga_e2e'}_conf`,
    resetDatabases: true,
    postgresAdminUrl: process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    kafkaBrokers: process.env.KAFKA_BROKERS,
    log,
  });
  running.__orderSagaConformance = { infra };
  try {
    const jwtSigningKeysFile = await ensureSigningKeys(join(dataDir, 'jwt-signing-keys.json'));
    running.__orderSagaConformance.services = await startServices(infra, {
      jwtSigningKeysFile,
      logLevel: 'info',
      // Unthrottled: sdk.e2e-spec.ts starts a gateway of its own with tiny limits.
      env: { gateway: unthrottledGatewayEnv('conf') },
    });
    const secret = randomBytes(18).toString('base64url');
    await registerOAuthClient(infra.databaseUrls.gateway, CONFORMANCE_CLIENT_ID, secret, ['read', 'write']);
    const services = running.__orderSagaConformance.services;
    Object.assign(process.env, {
      CONFORMANCE_GATEWAY_URL: services.urls.gateway,
      CONFORMANCE_CLIENT_SECRET: secret,
      CONFORMANCE_KAFKA_BROKERS: infra.kafkaBrokers,
      CONFORMANCE_GATEWAY_DB: infra.databaseUrls.gateway,
      CONFORMANCE_ORDER_DB: infra.databaseUrls['order-service'],
      CONFORMANCE_ORDER_URL: services.urls['order-service'],
      CONFORMANCE_INVENTORY_URL: services.urls['inventory-service'],
      CONFORMANCE_NOTIFICATION_URL: services.urls['notification-service'],
      CONFORMANCE_JWT_SIGNING_KEYS_FILE: jwtSigningKeysFile,
      CONFORMANCE_LOG_DIR: join(dataDir, 'logs'),
    });
    log(`stack ready; service logs in ${join(dataDir, 'logs')}`);
  } catch (error) {
    // Jest skips global teardown when setup fails, so nothing started may be left behind here.
    await stopConformanceStack();
    throw error;
  }
}

export async function stopConformanceStack(): Promise<void> {
  const state = running.__orderSagaConformance;
  await state?.services?.stop();
  await state?.infra.stop();
}

export function conformanceEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through \`npx nx run conformance:test\` or npm test`);
  return value;
}
