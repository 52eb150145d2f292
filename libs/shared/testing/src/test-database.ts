import { randomBytes } from 'node:crypto';
import { DataSource, DataSourceOptions, Logger as TypeOrmLogger } from 'typeorm';
import { adminQuery, postgresAdminUrl } from './admin-query';

export interface TestDatabase {
  /** `<ORDER_SAGA_TEST_DB_PREFIX>_<name>_<random>`, so runs sharing one server never meet. */
  name: string;
  url: string;
  /** Drops the database, closing whatever connections are left. */
  drop(): Promise<void>;
}

/** A throwaway database on the PostgreSQL server of POSTGRES_ADMIN_URL, for one spec file. */
export async function createTestDatabase(name: string): Promise<TestDatabase> {
  const adminUrl = postgresAdminUrl();
  const database = `${process.env.ORDER_SAGA_TEST_DB_PREFIX ?? 'order_saga_test'}_${name}_${randomBytes(4).toString('hex')}`;
  if (!/^[a-z0-9_]+$/.test(database)) throw new Error(`unsafe database name: ${database}`);
  await adminQuery(`CREATE DATABASE ${database}`, adminUrl);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return { name: database, url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`, adminUrl) };
}

export interface SchemaOptions {
  entities?: DataSourceOptions['entities'];
  migrations: DataSourceOptions['migrations'];
  /** Sees every statement sent through the data source. */
  logger?: TypeOrmLogger;
}

export interface MigratedTestDatabase extends TestDatabase {
  dataSource: DataSource;
}

/**
 * A throwaway database with a service's own migrations applied, and a data source on it: for specs that run
 * handlers and repositories on real PostgreSQL without booting the service.
 */
export async function createMigratedTestDatabase(name: string, { entities = [], migrations, logger }: SchemaOptions): Promise<MigratedTestDatabase> {
  const database = await createTestDatabase(name);
  const options: DataSourceOptions = { type: 'postgres', url: database.url, entities, migrations, ...(logger ? { logging: ['query'], logger } : {}) };
  const dataSource = new DataSource(options);
  try {
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
    throw error;
  }
  return {
    ...database,
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    },
  };
}
