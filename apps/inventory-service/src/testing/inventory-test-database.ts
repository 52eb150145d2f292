import { randomBytes } from 'node:crypto';
import { runMigrationsLocked } from '@order-saga/shared/database';
import { adminQuery } from '@order-saga/shared/testing';
import { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { INVENTORY_ENTITIES, INVENTORY_MIGRATIONS } from '../database/schema';

export interface InventoryTestDatabase {
  dataSource: DataSource;
  databaseUrl: string;
  /** Closes the connections and drops the database. */
  drop(): Promise<void>;
}

/**
 * A throwaway database with inventory-service's own migrations, for specs that run its handlers on real
 * PostgreSQL without a broker. Named `<ORDER_SAGA_TEST_DB_PREFIX>_<name>_<random>`; `logger` sees every query.
 */
export async function createInventoryTestDatabase(name: string, logger?: TypeOrmLogger): Promise<InventoryTestDatabase> {
  const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `${process.env.ORDER_SAGA_TEST_DB_PREFIX ?? 'order_saga_test'}_${name}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = `${adminUrl.replace(/\/[^/]*$/, '')}/${database}`;
  await adminQuery(`CREATE DATABASE ${database}`, adminUrl);
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities: INVENTORY_ENTITIES,
    migrations: INVENTORY_MIGRATIONS,
    ...(logger ? { logging: ['query'] as const, logger } : {}),
  });
  await dataSource.initialize();
  await runMigrationsLocked(dataSource);
  return {
    dataSource,
    databaseUrl,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`, adminUrl);
    },
  };
}
