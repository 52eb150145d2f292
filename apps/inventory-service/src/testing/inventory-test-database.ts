import { createMigratedTestDatabase, MigratedTestDatabase } from '@order-saga/shared/testing';
import { Logger as TypeOrmLogger } from 'typeorm';
import { INVENTORY_ENTITIES, INVENTORY_MIGRATIONS } from '../database/schema';

export type InventoryTestDatabase = MigratedTestDatabase;

/**
 * A throwaway database with inventory-service's own migrations, for specs that run its handlers on real
 * PostgreSQL without a broker (see createMigratedTestDatabase); `logger` sees every query.
 */
export async function createInventoryTestDatabase(name: string, logger?: TypeOrmLogger): Promise<InventoryTestDatabase> {
  return createMigratedTestDatabase(name, { entities: INVENTORY_ENTITIES, migrations: INVENTORY_MIGRATIONS, logger });
}
