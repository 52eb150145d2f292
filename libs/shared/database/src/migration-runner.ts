import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';

/** Any constant works; it only has to be the same for every replica of one service. */
const MIGRATION_LOCK_KEY = 7_340_001;

/**
 * Runs pending migrations at boot. Replicas starting together serialize on a Postgres advisory
 * lock, so exactly one applies each migration and the others find nothing left to do.
 */
@Injectable()
export class MigrationRunner implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @InjectPinoLogger(MigrationRunner.name) private readonly logger: PinoLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    await runMigrationsLocked(this.dataSource, (names) => this.logger.info(`applied migrations: ${names.join(', ') || 'none'}`));
  }
}

export async function runMigrationsLocked(dataSource: DataSource, onApplied: (names: string[]) => void = () => undefined): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    onApplied(applied.map((migration) => migration.name));
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
