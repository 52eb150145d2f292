/** Runs one statement and reports how many rows it touched (a pg Client or Pool fits). */
export interface RowCountQuery {
  query(text: string, values: unknown[]): Promise<{ rowCount: number | null }>;
}

export interface RetentionSweep {
  outbox: number;
  inbox: number;
}

/**
 * Deletes published outbox rows and inbox rows older than `before`, `chunk` rows per statement (each its
 * own short transaction: no long lock, no big WAL burst), until none are left. Unpublished outbox rows
 * are never touched, however old. The partial indexes of createMessagingRetentionIndexes make each
 * chunk a range scan.
 */
export async function deleteExpiredMessages(db: RowCountQuery, before: Date, chunk: number): Promise<RetentionSweep> {
  const deleted = { outbox: 0, inbox: 0 };
  for (const [table, sql] of [
    ['outbox', 'DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at < $1 LIMIT $2)'],
    ['inbox', 'DELETE FROM inbox WHERE (message_id, consumer) IN (SELECT message_id, consumer FROM inbox WHERE received_at < $1 LIMIT $2)'],
  ] as const) {
    for (;;) {
      const { rowCount } = await db.query(sql, [before, chunk]);
      deleted[table] += rowCount ?? 0;
      if ((rowCount ?? 0) < chunk) break;
    }
  }
  return deleted;
}
