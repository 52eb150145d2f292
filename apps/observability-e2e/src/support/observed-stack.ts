import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES, ServiceName } from '@order-saga/infra';
import { RunningSystem, startSystem, SystemOptions } from '@order-saga/shared/testing';

/** Databases are `<prefix>_<name>_<service>`; overridable so two checkouts can run this at once. */
const PREFIX = process.env.ORDER_SAGA_OBS_DB_PREFIX ?? 'order_saga_obs';

export const log = (line: string) => process.stdout.write(`[obs-e2e] ${line}\n`);

/**
 * startSystem's options for one spec: a broker of its own (the specs stop it and read its groups, which a
 * shared broker must not see), fresh `<prefix>_<name>_*` databases and a data folder of its own.
 */
export function observedSystemOptions(name: string): SystemOptions & { dataDir: string } {
  return {
    name: 'obs-e2e',
    databasePrefix: `${PREFIX}_${name}`,
    dataDir: mkdtempSync(join(process.env.ORDER_SAGA_TEST_DATA_DIR ?? tmpdir(), `obs-${name}-`)),
    ownBroker: true,
    log,
  };
}

export interface ObservedStack {
  system: RunningSystem;
  /** Where every service writes its spans, one JSON object a line. */
  tracesFile: string;
}

/** The whole system (startSystem), every service exporting its spans to one JSON-lines file, and one OAuth client. */
export async function startObservedStack(name: string, env: Partial<Record<ServiceName, Record<string, string>>> = {}): Promise<ObservedStack> {
  const options = observedSystemOptions(name);
  const tracesFile = join(options.dataDir, 'spans.jsonl');
  const tracing = { OTEL_TRACES_EXPORTER: 'file', OTEL_TRACES_FILE: tracesFile };
  const system = await startSystem({
    ...options,
    env: Object.fromEntries(SERVICE_NAMES.map((service) => [service, { ...tracing, ...env[service] }])),
  });
  return { system, tracesFile };
}

/** A service's own endpoint (health, not the public API) as status, headers and parsed JSON body. */
export async function json<T = Record<string, unknown>>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T };
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
