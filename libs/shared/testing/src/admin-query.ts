import { Client } from 'pg';

/** The PostgreSQL server's admin database (POSTGRES_ADMIN_URL; the machine's server with trust auth by default). */
export function postgresAdminUrl(): string {
  return process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

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
export async function adminQuery(sql: string, adminUrl = postgresAdminUrl()): Promise<void> {
  await withPgClient(adminUrl, (client) => client.query(sql));
}
