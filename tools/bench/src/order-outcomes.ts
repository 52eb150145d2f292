import { pollUntil } from '@order-saga/shared/testing';
import { Client } from 'pg';

/** What order-service's own database says about the orders of one step (its customers). */
export interface StepOrders {
  total: number;
  pending: number;
  confirmed: number;
  cancelled: number;
  /** Seconds from the first to the last order reaching a terminal state. */
  spanSeconds: number;
}

export async function readStepOrders(databaseUrl: string, customerIds: string[]): Promise<StepOrders> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ status: string; count: string; first_updated: Date; last_updated: Date }>(
      `SELECT status, count(*) AS count, min(updated_at) AS first_updated, max(updated_at) AS last_updated
         FROM customer_order WHERE customer_id = ANY($1) GROUP BY status`,
      [customerIds],
    );
    const count = (status: string) => Number(rows.find((row) => row.status === status)?.count ?? 0);
    const terminal = rows.filter((row) => row.status !== 'pending');
    const first = Math.min(...terminal.map((row) => row.first_updated.getTime()));
    const last = Math.max(...terminal.map((row) => row.last_updated.getTime()));
    return {
      total: rows.reduce((sum, row) => sum + Number(row.count), 0),
      pending: count('pending'),
      confirmed: count('confirmed'),
      cancelled: count('cancelled'),
      spanSeconds: terminal.length ? Math.max(0.001, (last - first) / 1000) : Number.NaN,
    };
  } finally {
    await client.end();
  }
}

/**
 * Waits until the step's orders are all in a terminal state (a 202 answer leaves its saga running) or
 * the deadline passes; returns the last reading either way, so a stuck saga shows up as `pending`.
 */
export async function settleStepOrders(databaseUrl: string, customerIds: string[], expectedTotal: number, timeoutMs: number): Promise<StepOrders> {
  let last: StepOrders | undefined;
  try {
    return await pollUntil(
      async () => {
        last = await readStepOrders(databaseUrl, customerIds);
        return last.pending === 0 && last.total >= expectedTotal ? last : undefined;
      },
      { timeoutMs, intervalMs: 250, description: 'every order of the step to reach a terminal state' },
    );
  } catch {
    return last ?? (await readStepOrders(databaseUrl, customerIds));
  }
}
