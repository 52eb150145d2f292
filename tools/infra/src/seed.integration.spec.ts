import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { databaseUrl, ensureDatabases } from './postgres';
import { createOperator } from './seed';

/** The launcher's demo operator, made through the gateway's operators CLI on a throwaway gateway database. */

const POSTGRES_ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = `${process.env.ORDER_SAGA_TEST_DB_PREFIX ?? 'order_saga_test'}_infra_seed_${randomBytes(4).toString('hex')}`;

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

beforeAll(() => ensureDatabases(POSTGRES_ADMIN_URL, [DATABASE], true));
afterAll(() => query(POSTGRES_ADMIN_URL, `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));

describe('createOperator', () => {
  it('creates the operator with a generated password, and gives it a new one when it exists already (each npm start)', async () => {
    const url = databaseUrl(POSTGRES_ADMIN_URL, DATABASE);

    const first = await createOperator(url, 'demo-operator', 'Demo Operator');
    const [created] = await query<{ password_hash: string; display_name: string }>(url, 'SELECT password_hash, display_name FROM operator_account');
    const second = await createOperator(url, 'demo-operator', 'Demo Operator');
    const accounts = await query<{ password_hash: string }>(url, 'SELECT password_hash FROM operator_account');

    expect(first).toEqual({ username: 'demo-operator', password: expect.stringMatching(/^[\w-]{24}$/) });
    expect(created.display_name).toBe('Demo Operator');
    expect(second.password).not.toBe(first.password);
    expect(accounts).toHaveLength(1);
    expect(accounts[0].password_hash).not.toBe(created.password_hash);
  }, 60_000);
});
