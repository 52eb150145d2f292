import { EntityManager, FindOptionsWhere } from 'typeorm';
import { Order } from './order.entity';

/**
 * One order with its lines, in one query. TypeORM's `findOne*` with the eager `lines` relation runs two
 * (a `SELECT DISTINCT` of ids under `LIMIT 1`, then the join); a lookup by a unique key needs no limit.
 * The saga reads the order on every reply and the POST path once more for its answer, so the second
 * round trip showed in the benchmark's statement counts (docs/performance.md).
 */
export async function findOrder(manager: EntityManager, where: FindOptionsWhere<Order>): Promise<Order | null> {
  const [order] = await manager.find(Order, { where, order: { lines: { lineNo: 'ASC' } } });
  return order ?? null;
}

export async function findOrderOrFail(manager: EntityManager, where: FindOptionsWhere<Order>): Promise<Order> {
  const order = await findOrder(manager, where);
  if (!order) throw new Error(`order ${JSON.stringify(where)} not found`);
  return order;
}
