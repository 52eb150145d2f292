import { Matches } from 'class-validator';
import { validateConfig } from '@order-saga/shared/config';

/** The migrations job needs only the database of the service whose image it runs in. */
export class MigrateConfig {
  @Matches(/^postgres(ql)?:\/\/.+\/[^/]+$/, { message: 'DATABASE_URL must be a postgres:// URL naming a database' })
  DATABASE_URL: string;
}

export function migrateConfig(env: Record<string, unknown> = process.env): MigrateConfig {
  return validateConfig(MigrateConfig, env);
}
