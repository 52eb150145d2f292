import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { runMigrationsLocked } from '@order-saga/shared/database';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { migrateConfig } from './migrate.config';

/**
 * Applies one service's pending migrations and exits: the docker-compose `migrations` service and the
 * Kubernetes migrations Job run it from the service's own image, before the service rolls out.
 *
 * It loads the migration files by path instead of importing the app, so this tool stays outside the
 * services' module boundaries. Services still migrate at boot; both paths take the same advisory lock
 * (runMigrationsLocked), so a job and a starting replica never apply the same migration twice.
 *
 * usage: node dist/tools/deploy/src/runtime/migrate.cli.js [migrations-dir]
 *   default dir: the image's app, dist/apps/service/src/database/migrations
 */
// Same line shape as the services' logs (nestjs-pino settings in libs/shared/logging).
const logger = pino({
  base: { service: 'migrations' },
  messageKey: 'message',
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label: string) => ({ level: label }) },
});

async function main(): Promise<void> {
  const config = migrateConfig();
  const distRoot = resolve(__dirname, '..', '..', '..', '..');
  const dir = resolve(process.argv[2] ?? join(distRoot, 'apps', 'service', 'src', 'database', 'migrations'));
  if (!existsSync(dir)) throw new Error(`no migrations directory at ${dir}`);
  // Only timestamped files: an index.ts that re-exports the list would load every migration twice.
  const pattern = join(dir, `[0-9]*${extname(__filename)}`);
  const dataSource = new DataSource({ type: 'postgres', url: config.DATABASE_URL, migrations: [pattern] });
  await dataSource.initialize();
  try {
    await runMigrationsLocked(dataSource, (names) => logger.info({ migrations: names, dir }, `applied ${names.length} migration(s)`));
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    logger.error({ err: error }, 'migrations failed');
    process.exit(1);
  },
);
