import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MessageDefinition, MessageEnvelope, PROCESS_PAYMENT, RESERVE_STOCK, TOPICS } from '@order-saga/contracts';
import { freePort, IMAGE_NODE_OPTIONS, killOnExit, killService, spawnService, startInfra, waitUntilReady } from '@order-saga/infra';
import { headersOf } from '@order-saga/shared/messaging';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { cpuTimeIn, percentile, positiveInteger } from './gateway-under-test';

/*
 * What one consumed command costs the service that consumes it, that service alone: its own process, its
 * database's PostgreSQL backends, and the broker, while commands arrive at a fixed rate. At a low rate each
 * command arrives alone, so the figure is the price of one consumer round (fetch, transaction, relay,
 * produce) for one message; at a high rate rounds hold several. The other services are not started: the
 * replies go unread, and nothing else competes for the CPU.
 *
 * CPU comes from /proc/<pid>/stat (utime + stime) around the measured commands, the warm-up not counted;
 * PostgreSQL's backends are the ones connected to the service's database (pg_stat_activity). A measuring
 * tool, not a test: it prints figures and fails only when a command gets no reply.
 *
 * usage (from the repository root):
 *   npx nx run perf:consumer-cost -- --consumer inventory [--rate 50] [--commands 1500] [--warm-up 300] \
 *     [--dist-dir DIR] [--env KEY=VALUE ...]
 *
 *   --consumer   inventory (ReserveStock) or payment (ProcessPayment)
 *   --dist-dir   run the compiled service (tsc -p tsconfig.build.json + tsc-alias output, as the bench and the
 *                image run it); default: the TypeScript source
 *   --env        extra environment for the service (repeatable)
 *   KAFKA_BROKERS set: that broker; else a broker of the run's own (its CPU is then reported too)
 */

interface Consumer {
  service: 'inventory-service' | 'payment-service';
  entry: string;
  command: MessageDefinition<object>;
  replyTopics: string[];
  /** Sets up what the commands need; returns the payload of the n-th command. */
  prepare(serviceUrl: string): Promise<(orderId: string) => object>;
}

const CONSUMERS: Record<string, Consumer> = {
  inventory: {
    service: 'inventory-service',
    entry: 'apps/inventory-service/src/main.ts',
    command: RESERVE_STOCK,
    replyTopics: [TOPICS.inventory.reserveStockReply],
    async prepare(serviceUrl) {
      const products = ['SKU-PERF-1', 'SKU-PERF-2', 'SKU-PERF-3'];
      for (const productId of products) {
        const response = await fetch(`${serviceUrl}/products/${productId}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: productId, unit_price: 10, available: 10_000_000 }),
        });
        if (!response.ok) throw new Error(`PUT /products/${productId}: ${response.status} ${await response.text()}`);
      }
      let n = 0;
      return (orderId) => ({ orderId, items: [{ productId: products[n++ % products.length], quantity: 1 }] });
    },
  },
  payment: {
    service: 'payment-service',
    entry: 'apps/payment-service/src/main.ts',
    command: PROCESS_PAYMENT,
    replyTopics: [TOPICS.payment.processPaymentReply],
    async prepare() {
      return (orderId) => ({ orderId, customerId: 'CUST-PERF', amountCents: 1000, currency: 'USD' });
    },
  },
};

interface Options {
  consumer: Consumer;
  rate: number;
  commands: number;
  warmUp: number;
  distDir?: string;
  env: Record<string, string>;
}

function optionsOf(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      consumer: { type: 'string', default: 'inventory' },
      rate: { type: 'string', default: '50' },
      commands: { type: 'string', default: '1500' },
      'warm-up': { type: 'string', default: '300' },
      'dist-dir': { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
    },
  });
  const consumer = CONSUMERS[values.consumer];
  if (!consumer) throw new Error(`--consumer must be one of ${Object.keys(CONSUMERS).join(', ')}, got "${values.consumer}"`);
  const env = Object.fromEntries(
    values.env.map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`--env needs KEY=VALUE, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  return {
    consumer,
    rate: positiveInteger('rate', values.rate),
    commands: positiveInteger('commands', values.commands),
    warmUp: positiveInteger('warm-up', values['warm-up']),
    distDir: values['dist-dir'] === undefined ? undefined : resolve(values['dist-dir']),
    env,
  };
}

/** utime + stime of `pids`, in ms; a process that ended meanwhile counts 0. */
function cpuMsOf(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    try {
      const { userMs, systemMs } = cpuTimeIn(`/proc/${pid}/stat`);
      return sum + userMs + systemMs;
    } catch {
      return sum;
    }
  }, 0);
}

async function backendPids(adminUrl: string, database: string): Promise<number[]> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

function brokerPid(): number | undefined {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka')) return Number(pid);
    } catch {
      // gone
    }
  }
  return undefined;
}

async function main(): Promise<void> {
  const options = optionsOf(process.argv.slice(2));
  const { consumer } = options;
  const adminUrl = process.env.ORDER_SAGA_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dataDir = mkdtempSync(join(tmpdir(), 'consumer-cost-'));
  const log = (line: string) => process.stdout.write(`[consumer-cost] ${line}\n`);
  const infra = await startInfra({
    dataDir,
    databasePrefix: 'order_saga_perf',
    resetDatabases: true,
    postgresAdminUrl: adminUrl,
    kafkaBrokers: process.env.KAFKA_BROKERS,
    log,
  });
  const ownBroker = process.env.KAFKA_BROKERS ? undefined : brokerPid();
  const databaseUrl = infra.databaseUrls[consumer.service];
  const service = spawnService(
    {
      name: consumer.service,
      entry: consumer.entry,
      port: await freePort(),
      readyPath: '/health/ready',
      runtime: options.distDir ? 'dist' : 'source',
      distDir: options.distDir,
      env: { DATABASE_URL: databaseUrl, KAFKA_BROKERS: infra.kafkaBrokers, LOG_LEVEL: 'info', NODE_OPTIONS: IMAGE_NODE_OPTIONS, ...options.env },
    },
    join(dataDir, 'logs'),
  );
  const forget = killOnExit(service.child);
  const kafka = new Kafka({ clientId: 'consumer-cost', brokers: infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const replies = kafka.consumer({ groupId: `consumer-cost-${randomUUID()}`, maxWaitTimeInMs: 100 });
  try {
    await waitUntilReady(service);
    const payloadOf = await consumer.prepare(service.url);
    await producer.connect();
    await replies.connect();
    await replies.subscribe({ topics: consumer.replyTopics, fromBeginning: true });
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let answered = 0;
    let onAnswer = () => undefined as void;
    await replies.run({
      eachMessage: async ({ message }) => {
        const orderId = message.key?.toString() ?? '';
        const at = sentAt.get(orderId);
        if (at === undefined) return;
        sentAt.delete(orderId);
        latencies.push(performance.now() - at);
        answered += 1;
        onAnswer();
      },
    });

    const send = async (count: number) => {
      const start = performance.now();
      const intervalMs = 1000 / options.rate;
      const target = answered + count;
      const done = new Promise<void>((resolveDone) => {
        onAnswer = () => (answered >= target ? resolveDone() : undefined);
      });
      for (let i = 0; i < count; i += 1) {
        const due = start + i * intervalMs;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolveWait) => setTimeout(resolveWait, wait));
        const orderId = `ORD-PERF-${randomUUID().slice(0, 8)}`;
        const envelope: MessageEnvelope = {
          messageId: randomUUID(),
          type: consumer.command.type,
          correlationId: orderId,
          causationId: null,
          occurredAt: new Date().toISOString(),
          requestId: null,
          traceparent: null,
          payload: payloadOf(orderId),
        };
        sentAt.set(orderId, performance.now());
        void producer.send({ topic: consumer.command.topic, messages: [{ key: orderId, value: JSON.stringify(envelope), headers: headersOf(envelope) }] });
      }
      const deadline = setTimeout(() => onAnswer(), 60_000);
      await Promise.race([done, new Promise((r) => setTimeout(r, (count / options.rate) * 1000 + 60_000))]);
      clearTimeout(deadline);
      if (answered < target) throw new Error(`${target - answered} of ${count} commands got no reply within 60 s (log: ${service.logFile})`);
      return performance.now() - start;
    };

    log(`warm-up: ${options.warmUp} commands at ${options.rate}/s`);
    await send(options.warmUp);
    latencies.length = 0;
    const servicePid = service.child.pid as number;
    const backends = await backendPids(adminUrl, new URL(databaseUrl).pathname.slice(1));
    const before = { service: cpuMsOf([servicePid]), postgres: cpuMsOf(backends), broker: ownBroker ? cpuMsOf([ownBroker]) : 0 };
    log(`measuring: ${options.commands} commands at ${options.rate}/s`);
    const wallMs = await send(options.commands);
    const after = { service: cpuMsOf([servicePid]), postgres: cpuMsOf(backends), broker: ownBroker ? cpuMsOf([ownBroker]) : 0 };
    const per = (key: keyof typeof before) => (((after[key] - before[key]) / options.commands) * 1000).toFixed(0);
    latencies.sort((a, b) => a - b);
    process.stdout.write(
      `${consumer.service} ${consumer.command.type} at ${options.rate}/s, ${options.commands} commands in ${(wallMs / 1000).toFixed(1)} s: ` +
        `CPU µs per command: service ${per('service')}, PostgreSQL ${per('postgres')} (${backends.length} backends)` +
        (ownBroker ? `, Kafka ${per('broker')}` : '') +
        `; reply latency p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms\n`,
    );
  } finally {
    await replies.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await killService(service, 'SIGTERM');
    forget();
    await infra.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
