import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PgListener } from '@order-saga/shared/database';
import { gaugeReadAtScrape, outboxPublishLag, ServiceLifecycle } from '@order-saga/shared/observability';
import type { MessageEnvelope } from '@order-saga/contracts';
import { CompressionTypes, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { IdempotentProducer } from './idempotent-producer';
import { headersOf } from './kafka-headers';
import { KAFKA } from './kafka.tokens';
import { OUTBOX_CHANNEL } from './outbox';

const BATCH_SIZE = 200;
/** All replicas of a service contend for this lock; the holder publishes, so order per key is kept. */
const RELAY_LOCK_KEY = 7_340_002;
/** Share of the shutdown bound the final flush may take. */
const FLUSH_BOUND_MS = 5_000;

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  envelope: MessageEnvelope;
}

/**
 * Publishes committed outbox rows to Kafka. Woken by NOTIFY on commit, with a slow poll as backstop.
 * A row is marked published only after the broker acknowledged it (acks=all), in the same transaction
 * that locked it, so a crash between send and commit re-sends (at least once) and never loses a message;
 * consumers deduplicate by message id.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  /** Replaced after every failed send (see IdempotentProducer); the rows of that batch go again. */
  private readonly producer: IdempotentProducer;
  private running: Promise<void> | undefined;
  private rerun = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly listener: PgListener,
    private readonly config: ConfigService,
    @Optional() lifecycle?: ServiceLifecycle,
  ) {
    this.producer = new IdempotentProducer(kafka);
    lifecycle?.addShutdownTask({ name: 'outbox flush', run: () => this.flush() });
    gaugeReadAtScrape('order_saga_outbox_backlog', 'Outbox rows not yet published', async () => {
      const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM outbox WHERE published_at IS NULL`);
      return Number(count);
    });
  }

  /**
   * On shutdown, after HTTP and the consumers stopped (so no new rows come): publishes what is
   * committed, within FLUSH_BOUND_MS. Whatever is left is published by the next relay to start.
   */
  async flush(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running;
    const deadline = Date.now() + FLUSH_BOUND_MS;
    while (Date.now() < deadline && (await this.publishBatch()) > 0) {
      // until the outbox is empty or the bound is spent
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.connect();
    this.unsubscribe = await this.listener.subscribe(OUTBOX_CHANNEL, () => this.wake());
    const interval = Number(this.config.get('OUTBOX_POLL_INTERVAL_MS') ?? 1000);
    this.timer = setInterval(() => this.wake(), interval);
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running;
    await this.producer.disconnect();
  }

  /** Runs one drain at a time; a wake-up during a drain schedules exactly one more. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.drain()
      .catch((error: Error) => this.logger.error(`outbox relay failed, will retry: ${error.message}`))
      .finally(() => {
        this.running = undefined;
        if (this.rerun) {
          this.rerun = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && (await this.publishBatch()) === BATCH_SIZE) {
      // a full batch means more may be waiting
    }
  }

  private async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // Two statements on purpose: the SELECT's snapshot must be taken after the lock is held. Taken in
      // one statement, the snapshot predates the lock, so rows the previous holder published and
      // committed in between would look unpublished and go out again, after newer ones.
      const [{ locked }] = await manager.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK_KEY]);
      if (!locked) return 0;
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, topic, message_key, envelope FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`,
        [BATCH_SIZE],
      );
      if (rows.length === 0) return 0;
      await this.producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages: groupByTopic(rows) });
      await manager.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((row) => row.id)]);
      const acknowledgedAt = Date.now();
      for (const row of rows) outboxPublishLag.observe(Math.max(0, (acknowledgedAt - Date.parse(row.envelope.occurredAt)) / 1000));
      return rows.length;
    });
  }
}

function groupByTopic(rows: OutboxRow[]) {
  const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
  for (const row of rows) {
    const messages = byTopic.get(row.topic) ?? [];
    messages.push({ key: row.message_key, value: JSON.stringify(row.envelope), headers: headersOf(row.envelope) });
    byTopic.set(row.topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
