import type { EntityManager } from 'typeorm';

/**
 * One chunk of the sweep, in one statement: up to $2 settled deliveries (succeeded, failed or cancelled) created
 * before $1, oldest first, with their attempts. A pending delivery is never touched, however old. A delivery
 * that another transaction holds (a sender recording its attempt, an operator's resend) is skipped, not waited
 * for: the next sweep takes it if it is still settled then. The range is webhook_delivery_listing_idx
 * (created_at, delivery_id); the attempts go by their (delivery_id, attempt_number) key. The foreign key from
 * webhook_attempt is checked at the end of the statement, when both deletes are done.
 */
const DELETE_EXPIRED_CHUNK = `WITH expired AS (
       SELECT delivery_id FROM webhook_delivery
        WHERE created_at < $1 AND status <> 'pending'
        ORDER BY created_at, delivery_id
        LIMIT $2
        FOR UPDATE SKIP LOCKED
     ), attempts AS (
       DELETE FROM webhook_attempt a USING expired e WHERE a.delivery_id = e.delivery_id
     ), deliveries AS (
       DELETE FROM webhook_delivery d USING expired e WHERE d.delivery_id = e.delivery_id RETURNING 1
     )
     SELECT count(*)::int AS deleted FROM deliveries`;

/**
 * Deletes the settled deliveries created before `before` and their attempts, `chunk` deliveries per statement
 * (each its own short transaction: no long lock, no large burst of WAL), until a chunk comes back short.
 * Returns how many deliveries went.
 */
export async function deleteExpiredDeliveries(db: Pick<EntityManager, 'query'>, before: Date, chunk: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const [{ deleted: inChunk }]: { deleted: number }[] = await db.query(DELETE_EXPIRED_CHUNK, [before, chunk]);
    deleted += inChunk;
    if (inChunk < chunk) return deleted;
  }
}
