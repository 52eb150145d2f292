import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REGISTER, REPO_ROOT } from './paths';

const run = promisify(execFile);

/** Registers (or updates) an OAuth client through the gateway's own CLI, so hashing stays in one place. */
export async function registerOAuthClient(
  gatewayDatabaseUrl: string,
  clientId: string,
  secret: string,
  scopes: string[],
  tier: 'standard' | 'sandbox' = 'standard',
): Promise<void> {
  await run(
    process.execPath,
    [
      '-r',
      REGISTER,
      'apps/gateway/src/oauth/register-client.cli.ts',
      `--client-id=${clientId}`,
      `--secret=${secret}`,
      `--scopes=${scopes.join(' ')}`,
      `--tier=${tier}`,
    ],
    { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: gatewayDatabaseUrl, LOG_LEVEL: 'warn' } },
  );
}

export interface OperatorSignIn {
  username: string;
  password: string;
}

/**
 * Creates an operator of the console, or gives the existing one a new password (whose sessions then end), through
 * the gateway's own CLI, and returns the sign-in with the password the CLI generated.
 */
export async function createOperator(gatewayDatabaseUrl: string, username: string, displayName: string): Promise<OperatorSignIn> {
  const { stdout } = await run(
    process.execPath,
    [
      '-r',
      REGISTER,
      'apps/gateway/src/operators/accounts/operators.cli.ts',
      'create',
      `--username=${username}`,
      `--display-name=${displayName}`,
      '--if-exists=reset-password',
    ],
    { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: gatewayDatabaseUrl, LOG_LEVEL: 'warn' } },
  );
  const password = /^password=(.+)$/m.exec(stdout)?.[1];
  if (password === undefined) throw new Error(`the operators CLI printed no password for ${username}`);
  return { username, password };
}

/**
 * Creates the gateway's signing key file (one ES256 key) unless it exists, through the gateway's own
 * CLI, and returns its path. Kept across restarts, so tokens issued before a restart stay valid.
 */
export async function ensureSigningKeys(path: string): Promise<string> {
  await run(process.execPath, ['-r', REGISTER, 'apps/gateway/src/oauth/signing-keys/signing-keys.cli.ts', 'ensure', `--file=${path}`], { cwd: REPO_ROOT });
  return path;
}

/** Calls a service's internal HTTP API and fails loudly on anything but 2xx. */
export async function callService<T>(method: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} → ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface DemoData {
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
}

export const DEMO = {
  clientId: 'demo-client',
  clientSecret: 'demo-secret-for-local-runs-only',
  customerId: 'CUST-12345',
  decliningCustomerId: 'CUST-67890-DECLINE',
  /** `npm start` gives it a new generated password every time, printed with the quick start. */
  operator: { username: 'demo-operator', displayName: 'Demo Operator' },
  products: [
    { id: 'SKU-001', name: 'Espresso beans 1 kg', unit_price: 29.99, available: 100 },
    { id: 'SKU-002', name: 'Ceramic mug', unit_price: 12.5, available: 40 },
    { id: 'SKU-003', name: 'Limited grinder', unit_price: 249, available: 0 },
  ],
} as const;

/** Demo catalog, customers and a webhook subscription for the demo receiver. Safe to run again. */
export async function seedDemoData(urls: { inventory: string; orders: string; notifications: string }, webhookUrl: string): Promise<{ webhookSecret: string }> {
  for (const product of DEMO.products) {
    await callService('PUT', `${urls.inventory}/products/${product.id}`, { name: product.name, unit_price: product.unit_price, available: product.available });
  }
  const asClient = { 'x-client-id': DEMO.clientId };
  await callService('PUT', `${urls.orders}/customers/${DEMO.customerId}`, { name: 'Ada Lovelace', email: 'ada@example.com' }, asClient);
  await callService('PUT', `${urls.orders}/customers/${DEMO.decliningCustomerId}`, { name: 'Declined Card' }, asClient);
  // A restart registers the receiver again with a fresh secret; the earlier registrations would only fail.
  const existing = await callService<{ data: { endpoint_id: string; url: string }[] }>('GET', `${urls.notifications}/webhook-endpoints`, undefined, asClient);
  for (const stale of existing.data.filter((endpoint) => endpoint.url === webhookUrl)) {
    await callService('DELETE', `${urls.notifications}/webhook-endpoints/${stale.endpoint_id}`, undefined, asClient);
  }
  const endpoint = await callService<{ secret: string }>(
    'POST',
    `${urls.notifications}/webhook-endpoints`,
    { url: webhookUrl, event_types: ['order.created', 'order.updated', 'order.cancelled'], description: 'demo webhook receiver' },
    asClient,
  );
  return { webhookSecret: endpoint.secret };
}
