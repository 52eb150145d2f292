import { randomBytes } from 'node:crypto';
import { ConfigService } from '@nestjs/config';
import { DatabaseConfig, readConfig } from '@order-saga/shared/config';
import { adminQuery } from '@order-saga/shared/testing';
import { DataSource } from 'typeorm';
import { poolOptions } from './database.module';
import { planEachTime, PreparingClient } from './preparing-client';

/** Against the real PostgreSQL server, in a throwaway database; one pooled connection, so every query shares it. */
const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `${process.env.ORDER_SAGA_TEST_DB_PREFIX ?? 'order_saga_test'}_prepared_${randomBytes(4).toString('hex')}`;

describe('PreparingClient (PostgreSQL)', () => {
  let dataSource: DataSource;
  /** The prepared statements of the pool's one connection, by text. */
  const prepared = async (): Promise<string[]> =>
    (await dataSource.query(`SELECT statement FROM pg_prepared_statements ORDER BY prepare_time`)).map((row: { statement: string }) => row.statement);

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${database}`, adminUrl);
    dataSource = new DataSource({ type: 'postgres', url: `${adminUrl.replace(/\/[^/]*$/, '')}/${database}`, extra: { max: 1, Client: PreparingClient } });
    await dataSource.initialize();
    await dataSource.query(`CREATE TABLE note (id int PRIMARY KEY, body text NOT NULL)`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`, adminUrl);
  });

  it('prepares a query with parameters once on a connection and answers every execution of it', async () => {
    const text = `SELECT $1::int * 2 AS doubled`;

    const answers = [];
    for (const n of [1, 2, 3]) answers.push((await dataSource.query(text, [n]))[0].doubled);

    expect(answers).toEqual([2, 4, 6]);
    expect((await prepared()).filter((statement) => statement === text)).toHaveLength(1);
  });

  it('leaves a query without parameters unnamed', async () => {
    const text = `SELECT 41 + 1 AS answer`;

    expect((await dataSource.query(text))[0].answer).toBe(42);

    expect(await prepared()).not.toContain(text);
  });

  it('leaves a text marked planEachTime unnamed, so each execution is planned for its own values', async () => {
    const text = planEachTime(`SELECT count(*)::int AS found FROM note WHERE id = ANY ($1::int[])`);
    await dataSource.query(`INSERT INTO note (id, body) VALUES (100, 'a'), (101, 'b')`);

    const answers = [];
    for (let run = 0; run < 7; run += 1) answers.push((await dataSource.query(text, [[100, 101, 102]]))[0].found);

    expect(answers).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(await prepared()).not.toContain(text);
  });

  it('keeps prepared INSERTs and SELECTs working after a migration adds a column to their table', async () => {
    const insert = `INSERT INTO note (id, body) VALUES ($1, $2)`;
    const select = `SELECT id, body FROM note WHERE id = $1`;
    await dataSource.query(insert, [1, 'before']);
    expect(await dataSource.query(select, [1])).toEqual([{ id: 1, body: 'before' }]);

    await dataSource.query(`ALTER TABLE note ADD COLUMN pinned boolean NOT NULL DEFAULT false`);

    await dataSource.query(insert, [2, 'after']);
    expect(await dataSource.query(select, [2])).toEqual([{ id: 2, body: 'after' }]);
    expect(await prepared()).toEqual(expect.arrayContaining([insert, select]));
  });

  it('is what a service pool uses unless DATABASE_PREPARED_STATEMENTS=off', () => {
    const config = (values: Record<string, string>) => readConfig(DatabaseConfig, new ConfigService({ DATABASE_URL: 'postgres://127.0.0.1/db', ...values }));

    expect(poolOptions(config({ DATABASE_POOL_SIZE: '20' }))).toEqual({ max: 20, Client: PreparingClient });
    expect(poolOptions(config({ DATABASE_PREPARED_STATEMENTS: 'on' }))).toEqual({ max: 10, Client: PreparingClient });
    expect(poolOptions(config({ DATABASE_PREPARED_STATEMENTS: 'off' }))).toEqual({ max: 10 });
  });
});
