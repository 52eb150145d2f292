import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseConfig, TypedConfigModule } from '@order-saga/shared/config';
import type { MixedList, EntitySchema } from 'typeorm';
import { MigrationRunner } from './migration-runner';
import { ServiceLifecycleModule } from '@order-saga/shared/observability';
import { DatabaseReadiness } from './database.readiness';
import { PgListener } from './pg-listener';
import { PreparingClient } from './preparing-client';

export interface DatabaseModuleOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/** node-postgres pool settings: its size, and prepared statements unless turned off (see PreparingClient). */
export function poolOptions(config: DatabaseConfig): { max: number; Client?: typeof PreparingClient } {
  return {
    max: config.DATABASE_POOL_SIZE,
    ...(config.DATABASE_PREPARED_STATEMENTS === 'off' ? {} : { Client: PreparingClient }),
  };
}

/**
 * A service's own PostgreSQL database through TypeORM. The schema comes from migrations only
 * (`synchronize` stays off); they run once at boot under an advisory lock.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    const config = TypedConfigModule.forFeature(DatabaseConfig);
    return {
      module: DatabaseModule,
      global: true,
      // ServiceLifecycleModule first: its shutdown hook (the outbox flush) must run before TypeORM's closes the pools.
      imports: [
        ServiceLifecycleModule,
        config,
        TypeOrmModule.forRootAsync({
          imports: [config],
          inject: [DatabaseConfig],
          useFactory: (database: DatabaseConfig) => ({
            type: 'postgres' as const,
            url: database.DATABASE_URL,
            entities: options.entities,
            migrations: options.migrations,
            synchronize: false,
            migrationsRun: false,
            extra: poolOptions(database),
          }),
        }),
      ],
      providers: [MigrationRunner, PgListener, DatabaseReadiness],
      exports: [PgListener],
    };
  }
}
