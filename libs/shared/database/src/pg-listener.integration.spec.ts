import { DatabaseConfig, validateConfig } from '@order-saga/shared/config';
import { PinoLogger } from 'nestjs-pino';
import { Client } from 'pg';
import { PgListener } from './pg-listener';

/** Against the real PostgreSQL server (POSTGRES_ADMIN_URL, default the local one). */
const url = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('PgListener (PostgreSQL)', () => {
  const listener = new PgListener(validateConfig(DatabaseConfig, { DATABASE_URL: url }), new PinoLogger({ pinoHttp: { level: 'silent' } }));
  const writer = new Client({ connectionString: url });

  beforeAll(() => writer.connect());
  afterAll(async () => {
    await writer.end();
    await listener.onApplicationShutdown();
  });

  it('hands a NOTIFY to the subscriber only once the sending transaction commits', async () => {
    const channel = `it_${Date.now()}`;
    const received: string[] = [];
    let wake!: () => void;
    const arrived = new Promise<void>((resolve) => (wake = resolve));
    await listener.subscribe(channel, (payload) => {
      received.push(payload);
      wake();
    });

    await writer.query('BEGIN');
    await writer.query('SELECT pg_notify($1, $2)', [channel, 'ORD-00000001']);
    // Prove the commit gate: a round trip on the listener's own server after the NOTIFY, before COMMIT.
    await writer.query('SELECT 1');
    expect(received).toEqual([]);
    await writer.query('COMMIT');

    await arrived;
    expect(received).toEqual(['ORD-00000001']);
  });

  it('stops delivering to a handler after it unsubscribed', async () => {
    const channel = `it_unsub_${Date.now()}`;
    const first: string[] = [];
    const second: string[] = [];
    let wake!: () => void;
    const arrived = new Promise<void>((resolve) => (wake = resolve));
    const unsubscribe = await listener.subscribe(channel, (payload) => first.push(payload));
    await listener.subscribe(channel, (payload) => {
      second.push(payload);
      wake();
    });

    unsubscribe();
    await writer.query('SELECT pg_notify($1, $2)', [channel, 'x']);

    await arrived;
    expect(second).toEqual(['x']);
    expect(first).toEqual([]);
  });
});
