import { Client } from 'pg';

/**
 * Runs one statement on the PostgreSQL admin database (POSTGRES_ADMIN_URL): integration specs create and
 * drop their throwaway databases with it.
 */
export async function adminQuery(sql: string, adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
