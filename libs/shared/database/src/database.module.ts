import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { MixedList, EntitySchema } from 'typeorm';
import { MigrationRunner } from './migration-runner';
import { ServiceLifecycleModule } from '@order-saga/shared/observability';
import { DatabaseReadiness } from './database.readiness';
import { PgListener } from './pg-listener';

export interface DatabaseModuleOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * A service's own PostgreSQL database through TypeORM. The schema comes from migrations only
 * (`synchronize` stays off); they run once at boot under an advisory lock.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      // ServiceLifecycleModule first: its shutdown hook (the outbox flush) must run before TypeORM's closes the pools.
      imports: [
        ServiceLifecycleModule,
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            type: 'postgres' as const,
            url: config.getOrThrow<string>('DATABASE_URL'),
            entities: options.entities,
            migrations: options.migrations,
            synchronize: false,
            migrationsRun: false,
            extra: { max: Number(config.get('DATABASE_POOL_SIZE') ?? 10) },
          }),
        }),
      ],
      providers: [MigrationRunner, PgListener, DatabaseReadiness],
      exports: [PgListener],
    };
  }
}
