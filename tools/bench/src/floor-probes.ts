import { randomBytes } from 'node:crypto';
import type { KafkaClientSecurity } from '@order-saga/shared/messaging';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { summarize } from './latency-stats';

/**
 * The floor: the cheapest version of what one saga step does, on the same broker and the same
 * PostgreSQL, measured in the same run so that the saga's figures can be read as ratios.
 */
export interface FloorMeasurement {
  samples: number;
  medianMs: number;
  p95Ms: number;
  p99Ms: number;
}

function measurement(samplesMs: number[]): FloorMeasurement {
  const summary = summarize(samplesMs);
  return { samples: summary.count, medianMs: summary.p50, p95Ms: summary.p95, p99Ms: summary.p99 };
}

/**
 * TLS and SASL for a broker the bench did not start (KAFKA_BROKERS), from the messaging library's KAFKA_SSL /
 * KAFKA_SASL_* settings (docs/kafka-security.md), loaded only when one of those is set. The floor measured
 * below stays raw kafkajs either way: importing the library does not apply its kafkajs fix (only
 * runKafkaService and dlq:redrive call applyKafkajsIdleTimerFix).
 */
export async function kafkaSecurityFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<KafkaClientSecurity> {
  if (!env.KAFKA_BROKERS || (!env.KAFKA_SSL && !env.KAFKA_SASL_MECHANISM)) return {};
  const { kafkaClientSecurity, kafkaSecurityConfigFrom } = await import('@order-saga/shared/messaging');
  return kafkaClientSecurity(kafkaSecurityConfigFrom(env));
}

/**
 * A raw kafkajs request-reply round trip: produce a request, a responder consumes it and produces a
 * reply, the requester consumes the reply. Producers use the outbox relay's settings (idempotent,
 * acks=all), consumers kafkajs' defaults. Rounds are sequential; the first `warmup` are not counted
 * (group joins and metadata fetches happen there).
 */
export async function measureKafkaRoundTrip(brokers: string, rounds: number, warmup = 20, security: KafkaClientSecurity = {}): Promise<FloorMeasurement> {
  const suffix = randomBytes(4).toString('hex');
  const requestTopic = `bench.floor.request.${suffix}`;
  const replyTopic = `bench.floor.reply.${suffix}`;
  const kafka = new Kafka({ clientId: `bench-floor-${suffix}`, brokers: brokers.split(','), logLevel: logLevel.NOTHING, ...security });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [requestTopic, replyTopic].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })) });
  const producerSettings = { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false };
  const requester = kafka.producer(producerSettings);
  const responder = kafka.producer(producerSettings);
  const responderConsumer = kafka.consumer({ groupId: `bench-floor-responder-${suffix}` });
  const replyConsumer = kafka.consumer({ groupId: `bench-floor-requester-${suffix}` });
  const waiting = new Map<string, () => void>();
  try {
    await Promise.all([requester.connect(), responder.connect(), responderConsumer.connect(), replyConsumer.connect()]);
    await responderConsumer.subscribe({ topic: requestTopic, fromBeginning: true });
    await replyConsumer.subscribe({ topic: replyTopic, fromBeginning: true });
    await responderConsumer.run({
      eachMessage: async ({ message }) => {
        await responder.send({ topic: replyTopic, acks: -1, messages: [{ key: message.key, value: message.value }] });
      },
    });
    await replyConsumer.run({
      eachMessage: async ({ message }) => {
        waiting.get(String(message.key))?.();
      },
    });
    const samples: number[] = [];
    for (let round = 0; round < warmup + rounds; round += 1) {
      const key = `r${round}`;
      const replied = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no reply to floor round ${round} within 30 s`)), 30_000);
        waiting.set(key, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const started = performance.now();
      await requester.send({ topic: requestTopic, acks: -1, messages: [{ key, value: '{"probe":true}' }] });
      await replied;
      if (round >= warmup) samples.push(performance.now() - started);
      waiting.delete(key);
    }
    return measurement(samples);
  } finally {
    await Promise.allSettled([responderConsumer.disconnect(), replyConsumer.disconnect(), requester.disconnect(), responder.disconnect()]);
    await admin.deleteTopics({ topics: [requestTopic, replyTopic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Creates the database unless it exists (CREATE DATABASE has no IF NOT EXISTS). */
export async function ensureDatabase(adminUrl: string, database: string): Promise<string> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A raw PostgreSQL commit: BEGIN, one INSERT of an outbox-sized row, COMMIT (synchronous_commit as the server has it). */
export async function measurePostgresCommit(databaseUrl: string, rounds: number, warmup = 20): Promise<FloorMeasurement> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      'CREATE TABLE IF NOT EXISTS bench_floor_commit (id bigserial PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
    );
    const payload = JSON.stringify({ messageId: randomBytes(16).toString('hex'), body: 'x'.repeat(400) });
    const samples: number[] = [];
    for (let round = 0; round < warmup + rounds; round += 1) {
      const started = performance.now();
      await client.query('BEGIN');
      await client.query('INSERT INTO bench_floor_commit (payload) VALUES ($1)', [payload]);
      await client.query('COMMIT');
      if (round >= warmup) samples.push(performance.now() - started);
    }
    await client.query('TRUNCATE bench_floor_commit');
    return measurement(samples);
  } finally {
    await client.end();
  }
}
