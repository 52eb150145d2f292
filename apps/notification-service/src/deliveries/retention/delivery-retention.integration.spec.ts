import { randomUUID } from 'node:crypto';
import { createMigratedTestDatabase, MigratedTestDatabase } from '@order-saga/shared/testing';
import { PinoLogger } from 'nestjs-pino';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { NOTIFICATION_MIGRATIONS } from '../../database/migrations';
import { Clock } from '../../domain/clock';
import { deleteExpiredDeliveries } from './delivery-retention';
import { WebhookDeliveryRetention } from './webhook-delivery-retention';

/** Retention of webhook deliveries on real PostgreSQL, with notification-service's own migrations. */
const DAY_MS = 24 * 60 * 60_000;
const NOW = new Date('2026-12-06T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

type Status = 'pending' | 'succeeded' | 'failed' | 'cancelled';

describe('webhook delivery retention (PostgreSQL)', () => {
  let db: MigratedTestDatabase;
  let endpointId: string;

  beforeAll(async () => {
    db = await createMigratedTestDatabase('delivery_retention', { migrations: NOTIFICATION_MIGRATIONS });
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  });

  beforeEach(async () => {
    await db.dataSource.query('TRUNCATE webhook_attempt, webhook_delivery, webhook_endpoint');
    endpointId = randomUUID();
    await db.dataSource.query(
      `INSERT INTO webhook_endpoint (endpoint_id, client_id, url, secret, event_types) VALUES ($1, 'client-a', 'https://hooks.example.com/a', 'whsec_test', '{order.created}')`,
      [endpointId],
    );
  });

  /** A delivery created at `createdAt` with `attempts` recorded attempts; returns its id. */
  async function delivery(status: Status, createdAt: Date, attempts = 1): Promise<string> {
    const deliveryId = randomUUID();
    await db.dataSource.query(
      `INSERT INTO webhook_delivery (delivery_id, endpoint_id, event_id, event_type, order_id, body, status, attempt_count, next_attempt_at, created_at, failure_reason)
       VALUES ($1, $2, $3, 'order.created', 'ord_retention', '{}', $4, $5, $6, $6, $7)`,
      [deliveryId, endpointId, randomUUID(), status, attempts, createdAt, status === 'failed' ? 'exhausted' : null],
    );
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await db.dataSource.query(
        `INSERT INTO webhook_attempt (attempt_id, delivery_id, attempt_number, attempted_at, status_code, duration_ms) VALUES ($1, $2, $3, $4, 500, 12)`,
        [randomUUID(), deliveryId, attempt, createdAt],
      );
    }
    return deliveryId;
  }

  async function remaining(): Promise<{ deliveries: string[]; attempts: number }> {
    const rows: { delivery_id: string }[] = await db.dataSource.query('SELECT delivery_id FROM webhook_delivery ORDER BY delivery_id');
    const [{ count }]: { count: number }[] = await db.dataSource.query('SELECT count(*)::int AS count FROM webhook_attempt');
    return { deliveries: rows.map((row) => row.delivery_id), attempts: count };
  }

  it('deletes settled deliveries created before the horizon with their attempts, and keeps newer ones and pending ones however old', async () => {
    const expired = [await delivery('succeeded', daysAgo(40), 1), await delivery('failed', daysAgo(31), 5), await delivery('cancelled', daysAgo(35), 2)];
    const kept = [await delivery('succeeded', daysAgo(29), 1), await delivery('failed', daysAgo(1), 3), await delivery('pending', daysAgo(90), 4)];

    const deleted = await deleteExpiredDeliveries(db.dataSource.manager, daysAgo(30), 100);

    expect(deleted).toBe(expired.length);
    expect(await remaining()).toEqual({ deliveries: [...kept].sort(), attempts: 1 + 3 + 4 });
  });

  it('works through more expired deliveries than one chunk, a statement per chunk, until none is left', async () => {
    for (let i = 0; i < 5; i++) await delivery('succeeded', daysAgo(60 + i), 2);
    const kept = await delivery('succeeded', daysAgo(2), 1);

    expect(await deleteExpiredDeliveries(db.dataSource.manager, daysAgo(30), 2)).toBe(5);
    expect(await remaining()).toEqual({ deliveries: [kept], attempts: 1 });
    expect(await deleteExpiredDeliveries(db.dataSource.manager, daysAgo(30), 2)).toBe(0);
  });

  it('skips a delivery another transaction holds instead of waiting for it, and takes it on a later sweep', async () => {
    const held = await delivery('failed', daysAgo(45), 5);
    await delivery('succeeded', daysAgo(45), 1);
    const holder = db.dataSource.createQueryRunner();
    await holder.connect();
    try {
      await holder.startTransaction();
      await holder.query('SELECT 1 FROM webhook_delivery WHERE delivery_id = $1 FOR UPDATE', [held]);

      expect(await deleteExpiredDeliveries(db.dataSource.manager, daysAgo(30), 100)).toBe(1);
      expect((await remaining()).deliveries).toEqual([held]);

      await holder.commitTransaction();
    } finally {
      await holder.release();
    }
    expect(await deleteExpiredDeliveries(db.dataSource.manager, daysAgo(30), 100)).toBe(1);
    expect(await remaining()).toEqual({ deliveries: [], attempts: 0 });
  });

  it('sweeps as of the injected clock, keeping WEBHOOK_DELIVERY_RETENTION_MS of settled deliveries', async () => {
    const config = Object.assign(new NotificationServiceConfig(), { WEBHOOK_DELIVERY_RETENTION_MS: 7 * DAY_MS, WEBHOOK_DELIVERY_RETENTION_CHUNK: 10 });
    const clock = { now: () => NOW } as Clock;
    const retention = new WebhookDeliveryRetention(db.dataSource, clock, config, new PinoLogger({ pinoHttp: { level: 'silent' } }));
    await delivery('succeeded', daysAgo(8), 1);
    const kept = await delivery('succeeded', daysAgo(6), 1);

    expect(await retention.sweep()).toBe(1);
    expect(await remaining()).toEqual({ deliveries: [kept], attempts: 1 });
    await retention.onApplicationShutdown();
  });
});
