import { publishSystem, RunningSystem, startSystem } from '@order-saga/shared/testing';

export const CONFORMANCE_CLIENT_ID = 'conformance-client';

const running = globalThis as typeof globalThis & { __orderSagaConformance?: RunningSystem };

/**
 * The whole system as real processes: the broker `npm test` runs (KAFKA_BROKERS) or a private one, fresh
 * databases under ORDER_SAGA_CONFORMANCE_DB_PREFIX, all five services, one OAuth client. The gateway is
 * unthrottled: sdk.e2e-spec.ts starts a gateway of its own with tiny limits.
 */
export async function startConformanceStack(): Promise<void> {
  const system = await startSystem({
    name: 'conformance',
    databasePrefix: process.env.ORDER_SAGA_CONFORMANCE_DB_PREFIX ?? `${process.env.ORDER_SAGA_E2E_DB_PREFIX ?? 'order_saga_e2e'}_conf`,
    clients: { default: { id: CONFORMANCE_CLIENT_ID, scopes: ['read', 'write'] } },
  });
  running.__orderSagaConformance = system;
  publishSystem(system);
  // The names the spec files read.
  Object.assign(process.env, {
    CONFORMANCE_GATEWAY_URL: system.gatewayUrl,
    CONFORMANCE_CLIENT_SECRET: system.client().secret,
    CONFORMANCE_KAFKA_BROKERS: system.address.kafkaBrokers,
  });
}

export async function stopConformanceStack(): Promise<void> {
  await running.__orderSagaConformance?.stop();
}

export function conformanceEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through \`npx nx run conformance:test\` or npm test`);
  return value;
}
