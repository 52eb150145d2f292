import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MessageEnvelope, ORDER_CREATED, OrderCreatedEvent } from '@order-saga/contracts';
import { validateConfig } from '@order-saga/shared/config';
import { Outbox } from '@order-saga/shared/messaging';
import { freePort, pollUntil } from '@order-saga/shared/testing';
import { PinoLogger } from 'nestjs-pino';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { Clock } from '../../domain/clock';
import { ScheduleDeliveriesHandler } from '../schedule-deliveries/schedule-deliveries.handler';
import { WebhookDeliveryRepository } from '../webhook-delivery.repository';

/**
 * notification-service as a real process, SIGKILLed while an attempt is in flight and started again: the
 * schedule goes on from the database, and the lease keeps the new process from sending the delivery
 * while the old send could still be running. Needs a broker (KAFKA_BROKERS, set by `npm test`).
 */
jest.setTimeout(120_000);

const SERVER_URL = 'postgres://postgres@127.0.0.1:5432';
const REPO_ROOT = join(__dirname, '../../../../..');
const TIMEOUT_MS = 2000;
const LEASE_MARGIN_MS = 1000;
const brokers = process.env.KAFKA_BROKERS;

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
  receivedAt: number;
  closedAt?: number;
}

describe('webhook delivery across a SIGKILL of notification-service', () => {
  const database = `hooks_restart_${randomBytes(5).toString('hex')}`;
  const databaseUrl = `${SERVER_URL}/${database}`;
  const admin = new Client({ connectionString: `${SERVER_URL}/postgres` });
  const received: Received[] = [];
  let open = 0;
  let maxOpen = 0;
  const hanging: ServerResponse[] = [];
  // Attempt 1 is refused, attempt 2 hangs until the process sending it dies, later ones succeed.
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: Received = { headers: req.headers, body: Buffer.concat(chunks), receivedAt: Date.now() };
      received.push(request);
      maxOpen = Math.max(maxOpen, ++open);
      res.once('close', () => {
        open -= 1;
        request.closedAt = Date.now();
      });
      if (received.length === 1) res.writeHead(500).end('not yet');
      else if (received.length === 2) hanging.push(res);
      else res.writeHead(200).end('ok');
    });
  });
  let service: ChildProcess | undefined;
  let port: number;
  let db: Client;

  const env = () => ({
    ...process.env,
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers!,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    WEBHOOK_RETRY_SCHEDULE_SECONDS: '0,1,1,1',
    WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
    DELIVERY_LEASE_MARGIN_MS: String(LEASE_MARGIN_MS),
    DELIVERY_POLL_INTERVAL_MS: '100',
  });

  async function startService(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['-r', join(REPO_ROOT, 'tools/register.js'), join(REPO_ROOT, 'apps/notification-service/src/main.ts')], {
      cwd: REPO_ROOT,
      env: env(),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await pollUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`notification-service exited with ${child.exitCode}`);
        const response = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
        return response?.ok ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'notification-service to be ready' },
    );
    return child;
  }

  async function kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  beforeAll(async () => {
    if (!brokers) throw new Error('KAFKA_BROKERS is not set: run this suite through `npm test`, or start `npm run infra` first');
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = await freePort();
    db = new Client({ connectionString: databaseUrl });
  });

  afterAll(async () => {
    if (service) await kill(service);
    for (const res of hanging) res.destroy();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    await db?.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('continues the schedule after a restart and never has two sends of the delivery in flight at once', async () => {
    service = await startService();
    await db.connect();
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/restart`;
    const registered = await fetch(`http://127.0.0.1:${port}/webhook-endpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-client-id': 'client-restart' },
      body: JSON.stringify({ url, event_types: ['order.created'] }),
    });
    expect(registered.status).toBe(201);

    const orderId = `ord_${randomBytes(4).toString('hex')}`;
    const envelope: MessageEnvelope<OrderCreatedEvent> = {
      messageId: randomUUID(),
      type: ORDER_CREATED.type,
      correlationId: orderId,
      causationId: null,
      occurredAt: new Date().toISOString(),
      requestId: null,
      traceparent: null,
      payload: {
        orderId,
        clientId: 'client-restart',
        customerId: 'cust_1',
        status: 'confirmed',
        totalCents: 1000,
        currency: 'USD',
        items: [{ productId: 'SKU-001', quantity: 1, unitPriceCents: 1000 }],
        createdAt: new Date().toISOString(),
      },
    };
    // What the Kafka consumer does with an order event, committed by another process: the running service finds it at its poll.
    const config = validateConfig(NotificationServiceConfig, env());
    await db.query('BEGIN');
    // Scheduling writes through the transaction it is handed (this test's own connection), not the repository's DataSource.
    const deliveries = new WebhookDeliveryRepository(null as unknown as DataSource, new Outbox(), new PinoLogger({ pinoHttp: { level: 'silent' } }));
    await new ScheduleDeliveriesHandler(new Clock(), config, deliveries).handle(envelope, {
      query: (sql: string, params: unknown[]) => db.query(sql, params).then((result) => result.rows),
    } as never);
    await db.query('COMMIT');

    await pollUntil(async () => (hanging.length === 1 ? true : undefined), { timeoutMs: 20_000, intervalMs: 50, description: 'attempt 2 to be in flight' });
    await kill(service);
    const [leased] = (await db.query(`SELECT status, attempt_count, locked_until FROM webhook_delivery WHERE event_id = $1`, [envelope.messageId])).rows;
    expect(leased).toMatchObject({ status: 'pending', attempt_count: 1 });
    expect(leased.locked_until).toBeInstanceOf(Date);

    service = await startService();
    const done = await pollUntil(
      async () => {
        const [row] = (await db.query(`SELECT status, attempt_count FROM webhook_delivery WHERE event_id = $1`, [envelope.messageId])).rows;
        return row.status === 'succeeded' ? row : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, description: 'the delivery to succeed after the restart' },
    );
    const attempts = (
      await db.query(
        `SELECT a.attempt_number, a.status_code FROM webhook_attempt a JOIN webhook_delivery d USING (delivery_id) WHERE d.event_id = $1 ORDER BY a.attempt_number`,
        [envelope.messageId],
      )
    ).rows;

    const [first, second, third] = received;
    process.stdout.write(
      `[restart] attempt 1 at +0 ms, attempt 2 at +${second.receivedAt - first.receivedAt} ms (killed), resend at +${third.receivedAt - first.receivedAt} ms; lease ran until +${(leased.locked_until as Date).getTime() - first.receivedAt} ms\n`,
    );
    expect(received).toHaveLength(3);
    expect(new Set(received.map((request) => request.headers['x-webhook-id']))).toEqual(new Set([envelope.messageId]));
    // The killed attempt was never recorded, so it is sent again (at least once) — but only after the lease.
    expect(done).toEqual({ status: 'succeeded', attempt_count: 2 });
    expect(attempts).toEqual([
      { attempt_number: 1, status_code: 500 },
      { attempt_number: 2, status_code: 200 },
    ]);
    expect(maxOpen).toBe(1);
    expect(third.receivedAt).toBeGreaterThanOrEqual(second.closedAt!);
    expect(third.receivedAt).toBeGreaterThanOrEqual((leased.locked_until as Date).getTime());
    // The schedule's 1 s pause after the refused first attempt.
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(1000);
  });
});
