import { Client } from 'pg';

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs `work` with one connection of its own to the database at `url`, closed afterwards whatever happens. */
export async function withPgClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Runs one statement on the PostgreSQL admin database (POSTGRES_ADMIN_URL): integration specs create and
 * drop their throwaway databases with it.
 */
export async function adminQuery(sql: string, adminUrl = process.env.POSTGRES_ADMIN_URL ?? DEFAULT_ADMIN_URL): Promise<void> {
  await withPgClient(adminUrl, (client) => client.query(sql));
}
