import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Infra, InfraOptions, SERVICE_NAMES, ServiceName, Services } from '@order-saga/infra';
import { clientCredentialsToken, startSystem } from '@order-saga/shared/testing';

export const POSTGRES_ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Databases are `<prefix>_<name>_<service>`; overridable so two checkouts can run this at once. */
const PREFIX = process.env.ORDER_SAGA_OBS_DB_PREFIX ?? 'order_saga_obs';

export const log = (line: string) => process.stdout.write(`[obs-e2e] ${line}\n`);

export function infraOptions(name: string): InfraOptions {
  return {
    dataDir: mkdtempSync(join(process.env.ORDER_SAGA_TEST_DATA_DIR ?? tmpdir(), `obs-${name}-`)),
    databasePrefix: `${PREFIX}_${name}`,
    resetDatabases: true,
    postgresAdminUrl: POSTGRES_ADMIN_URL,
    log,
  };
}

export interface ObservedStack {
  infra: Infra;
  services: Services;
  clientId: string;
  clientSecret: string;
  tracesFile: string;
  stop(): Promise<void>;
}

/**
 * Kafka (a private broker), fresh databases and all five services (startSystem), every one exporting its
 * spans to one JSON-lines file, and one OAuth client.
 */
export async function startObservedStack(name: string, env: Partial<Record<ServiceName, Record<string, string>>> = {}): Promise<ObservedStack> {
  const { dataDir, databasePrefix } = infraOptions(name);
  const tracesFile = join(dataDir, 'spans.jsonl');
  const tracing = { OTEL_TRACES_EXPORTER: 'file', OTEL_TRACES_FILE: tracesFile };
  const system = await startSystem({
    name: 'obs-e2e',
    databasePrefix,
    dataDir,
    ownBroker: true,
    log,
    clients: { default: { id: `obs-${randomUUID().slice(0, 8)}`, scopes: ['read', 'write'] } },
    env: Object.fromEntries(SERVICE_NAMES.map((service) => [service, { ...tracing, ...env[service] }])),
  });
  const { id: clientId, secret: clientSecret } = system.address.clients.default;
  return { infra: system.infra, services: system.services, clientId, clientSecret, tracesFile, stop: () => system.stop() };
}

export async function tokenFor(stack: ObservedStack): Promise<string> {
  return clientCredentialsToken(stack.services.urls.gateway, { id: stack.clientId, secret: stack.clientSecret });
}

export async function json<T = Record<string, unknown>>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T };
}

export async function createProduct(stack: ObservedStack, available: number): Promise<string> {
  const productId = `SKU-OBS-${randomUUID().slice(0, 8)}`;
  const { status, body } = await json(`${stack.services.urls['inventory-service']}/products/${productId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: `obs ${productId}`, unit_price: 10, available }),
  });
  if (status !== 200) throw new Error(`product setup failed: ${JSON.stringify(body)}`);
  return productId;
}

export async function createCustomer(stack: ObservedStack, customerId = `CUST-${randomUUID().slice(0, 8)}`): Promise<string> {
  const { status, body } = await json(`${stack.services.urls['order-service']}/customers/${customerId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-client-id': stack.clientId },
    body: JSON.stringify({ name: 'obs customer' }),
  });
  if (status !== 200) throw new Error(`customer setup failed: ${JSON.stringify(body)}`);
  return customerId;
}

export const shippingAddress = { street: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' };

/** One series' value from a Prometheus text exposition, 0 when the series is absent. */
export function metricValue(exposition: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).match(/^\{([^}]*)\}/)?.[1] ?? '';
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) total += Number(line.split(' ').pop());
  }
  return total;
}

export async function scrape(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return response.text();
}

/** Parsed JSON lines of a file; lines that are not JSON (a stack trace) are skipped. */
export function jsonLines<T = Record<string, unknown>>(path: string): T[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as T];
      } catch {
        return [];
      }
    });
}
