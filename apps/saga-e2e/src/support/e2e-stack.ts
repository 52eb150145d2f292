import { publishSystem, RunningSystem, startSystem } from '@order-saga/shared/testing';

/** The suite's OAuth clients, by role; api.ts and edge.ts get tokens for them. */
export const E2E_CLIENTS = {
  writer: { id: 'e2e-writer', scopes: ['read', 'write'] },
  reader: { id: 'e2e-reader', scopes: ['read'] },
  other: { id: 'e2e-other-client', scopes: ['read', 'write'] },
} as const;

/** The console's operator of the suite; its generated password is in the system's address (system().operator()). */
export const E2E_OPERATOR = { username: 'e2e-operator@example.com', displayName: 'E2E Operator' } as const;

const running = globalThis as typeof globalThis & { __orderSagaE2e?: RunningSystem };

/**
 * Starts the whole system for the e2e suite (the broker `npm test` started, or one of its own), with the
 * suite's clients. The shared gateway is unthrottled: edge-rate-limit.e2e-spec.ts starts gateways with small
 * limits of its own.
 */
export async function startE2eStack(): Promise<void> {
  const system = await startSystem({
    name: 'e2e',
    // Overridable so that two checkouts on one machine can run the suite at once.
    databasePrefix: process.env.ORDER_SAGA_E2E_DB_PREFIX ?? 'order_saga_e2e',
    clients: Object.fromEntries(Object.entries(E2E_CLIENTS).map(([role, client]) => [role, { id: client.id, scopes: [...client.scopes] }])),
    operators: { console: { ...E2E_OPERATOR } },
  });
  running.__orderSagaE2e = system;
  publishSystem(system);
  exportAddresses(system);
}

/** The addresses the spec files read from the environment under their E2E_* names. */
function exportAddresses(system: RunningSystem): void {
  const { urls, databaseUrls, logDir, dataDir, jwtSigningKeysFile } = system.address;
  Object.assign(process.env, {
    E2E_GATEWAY_URL: system.gatewayUrl,
    E2E_INVENTORY_URL: urls['inventory-service'],
    E2E_ORDER_URL: urls['order-service'],
    E2E_PAYMENT_URL: urls['payment-service'],
    E2E_NOTIFICATION_URL: urls['notification-service'],
    E2E_INVENTORY_DB: databaseUrls['inventory-service'],
    E2E_ORDER_DB: databaseUrls['order-service'],
    E2E_PAYMENT_DB: databaseUrls['payment-service'],
    E2E_GATEWAY_DB: databaseUrls.gateway,
    E2E_LOG_DIR: logDir,
    E2E_DATA_DIR: dataDir,
    E2E_JWT_SIGNING_KEYS_FILE: jwtSigningKeysFile,
  });
}

export async function stopE2eStack(): Promise<void> {
  await running.__orderSagaE2e?.stop();
}
