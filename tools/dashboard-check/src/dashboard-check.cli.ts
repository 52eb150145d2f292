import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SERVICE_NAMES } from '@order-saga/infra';
import { startSystem } from '@order-saga/shared/testing';
import { exportedNamesOf, unknownMetrics } from './metric-names';
import { committedQueries, DASHBOARD_FILE } from './queries';

/*
 * Fails when a query of the Grafana dashboard or of the alert rules names a metric that no service
 * exports. The names come from a live /metrics scrape of the five real services: started here with
 * startSystem (against KAFKA_BROKERS when set, else a private broker), or already running when --scrape URLs are given.
 *
 *   node -r ./tools/register.js tools/dashboard-check/src/dashboard-check.cli.ts [--dashboard=file] [--scrape=http://host:port/metrics ...]
 */
const log = (line: string) => process.stdout.write(`[dashboard-check] ${line}\n`);

async function scrape(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return response.text();
}

async function scrapeStartedServices(): Promise<Map<string, string>> {
  const system = await startSystem({
    name: 'dashboard-check',
    databasePrefix: process.env.ORDER_SAGA_DASHBOARD_CHECK_DB_PREFIX ?? 'order_saga_dashcheck',
    kafkaBrokers: process.env.KAFKA_BROKERS || undefined,
    logLevel: 'warn',
    log,
  });
  try {
    return new Map(await Promise.all(SERVICE_NAMES.map(async (service) => [service, await scrape(`${system.address.urls[service]}/metrics`)] as const)));
  } finally {
    await system.stop();
    rmSync(system.address.dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { dashboard: { type: 'string' }, scrape: { type: 'string', multiple: true } } });
  const queries = committedQueries(values.dashboard ?? DASHBOARD_FILE);
  const scrapes = values.scrape?.length
    ? new Map(await Promise.all(values.scrape.map(async (url) => [url, await scrape(url)] as const)))
    : await scrapeStartedServices();
  const exported = new Set<string>();
  for (const [source, text] of scrapes) {
    const names = exportedNamesOf(text);
    log(`${source}: ${names.size} series names`);
    names.forEach((name) => exported.add(name));
  }
  const problems = unknownMetrics(queries, exported);
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n`);
    log(`FAILED: ${problems.length} of ${queries.length} queries name metrics no service exports`);
    return 1;
  }
  log(`passed: every metric named by ${queries.length} queries (dashboard and alert rules) is exported`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
