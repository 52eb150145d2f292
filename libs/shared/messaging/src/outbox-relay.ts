import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { gaugeReadAtScrape, outboxDrainMessages, outboxPublishLag, ServiceLifecycle, WakeableLoop } from '@order-saga/shared/observability';
import type { MessageEnvelope } from '@order-saga/contracts';
import { CompressionTypes, Kafka } from 'kafkajs';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Client, ClientConfig } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { IdempotentProducer } from './idempotent-producer';
import { headersOf } from './kafka-headers';
import { KAFKA } from './kafka.tokens';
import { deleteExpiredMessages, RetentionSweep } from './messaging-retention';
import { MessagingConfig } from './messaging.config';
import { onOutboxCommit } from './outbox-commits';

const BATCH_SIZE = 200;
/** All replicas of a service contend for this lock; the holder publishes, so order per key is kept. */
const RELAY_LOCK_KEY = 7_340_002;
/** Share of the shutdown bound the final flush may take. */
const FLUSH_BOUND_MS = 5_000;

/**
 * A drain's one statement: marks the previous batch published (its rows went out and were acknowledged) and
 * reads the next. Both parts see the statement's one snapshot, so the read leaves out the ids it marks.
 */
const MARK_AND_SELECT = {
  name: 'outbox-relay-drain',
  text: `WITH marked AS (UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[]))
         SELECT id, topic, message_key, envelope::text AS value
           FROM outbox
          WHERE published_at IS NULL AND id <> ALL($1::bigint[])
          ORDER BY id
          LIMIT $2`,
};

/**
 * The relay's session settings. synchronous_commit=off: the session writes only marks and retention deletes,
 * and PostgreSQL may acknowledge those before their WAL is flushed; after a server crash a forgotten mark
 * makes the next leader send those rows again (consumers drop the copies by message id) and a forgotten delete
 * is redone. No message is lost and the order per key holds (class comment); a drain waits for no disk flush.
 * enable_seqscan/enable_bitmapscan=off: every statement of the session is an index lookup by design (the
 * unpublished rows by the partial index in id order, marks by primary key, expired rows by the age indexes).
 * The outbox is empty when a service starts, and a prepared statement's plan made then, from statistics of an
 * empty table, scanned the whole table on every drain once it had grown, until autovacuum's first ANALYZE:
 * ~4 ms of PostgreSQL CPU per saga in order-service's database (docs/performance.md). A bitmap scan of the
 * partial index, a custom plan's choice, never skips its dead entries (1-1.3 ms per read).
 */
const SESSION_OPTIONS = '-c synchronous_commit=off -c enable_seqscan=off -c enable_bitmapscan=off';

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  value: string;
}

/**
 * Publishes committed outbox rows to Kafka, in id order, from one replica at a time: the one whose own
 * connection holds a session-level advisory lock. It is woken in-process after a local commit that
 * appended (outbox-commits.ts), with a slow poll as backstop (rows of other replicas, lost wake-ups).
 * A drain is one autocommit statement on that connection, which marks the batch sent before and reads
 * the next (MARK_AND_SELECT), then the send: a row is marked published only after the broker acknowledged
 * it (acks=all), by the next drain, so a crash between send and mark re-sends (at least once) and never
 * loses a message; consumers deduplicate by message id. A sent batch stays unmarked until the next wake-up
 * or poll (OUTBOX_POLL_INTERVAL_MS), or shutdown. The published and processed rows expire
 * (MESSAGING_RETENTION_MS), swept by the leader.
 *
 * Why order per key holds. A key's messages are appended by transactions that serialise on the
 * aggregate's row, so for one key a later message has a larger id and commits later: a snapshot that
 * sees it sees the earlier ones. The leader drains one batch at a time, each read (ORDER BY id) on the
 * session that marked everything sent before, leaving out the batch it marks in the same statement, so
 * it sees exactly what is still unsent and sends a key's messages in id order on an idempotent producer
 * with one request in flight. Failover:
 * the lock lives and dies with the leader's connection. If that connection dies mid-send, the old
 * leader cannot mark its batch (the UPDATE needs the dead session), and a new leader takes the lock
 * only once PostgreSQL ended that session; its first SELECT runs after that and sees that batch
 * unpublished, so it re-sends it and what follows, in id order. The old batch is a prefix of what
 * the new leader sends, so a late copy of it in Kafka only adds duplicates of messages whose first
 * copy is already in order: the first occurrences (what consumers apply; the inbox drops the rest)
 * keep the order per key.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Replaced after every failed send (see IdempotentProducer); the rows of that batch go again. */
  private readonly producer: IdempotentProducer;
  /** This relay's own connection; while `leading`, it holds RELAY_LOCK_KEY. */
  private session: Client | undefined;
  private leading = false;
  /** One drain at a time: after a local commit (with the linger), and the backstop poll. */
  private readonly drains: WakeableLoop;
  private readonly retentionSweeps: WakeableLoop;
  /** Ids of the last batch sent, acknowledged by the broker and not marked yet (the next drain marks them). */
  private sentUnmarked: string[] = [];
  private sweeping: Promise<unknown> | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly config: MessagingConfig,
    @InjectPinoLogger(OutboxRelay.name) private readonly logger: PinoLogger,
    @Optional() lifecycle?: ServiceLifecycle,
  ) {
    this.producer = new IdempotentProducer(kafka);
    this.drains = new WakeableLoop({
      tick: () => this.drain(),
      intervalMs: config.OUTBOX_POLL_INTERVAL_MS,
      onError: (error) => this.logger.error({ err: error }, 'outbox relay failed, will retry'),
    });
    this.retentionSweeps = new WakeableLoop({
      tick: () => this.sweepExpired(),
      intervalMs: config.MESSAGING_RETENTION_INTERVAL_MS,
      onError: (error) => this.logger.warn({ err: error }, 'outbox/inbox retention sweep failed, next interval retries'),
    });
    lifecycle?.addShutdownTask({ name: 'outbox flush', run: () => this.flush() });
    gaugeReadAtScrape('order_saga_outbox_backlog', 'Outbox rows not yet published', async () => {
      const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM outbox WHERE published_at IS NULL`);
      return Number(count);
    });
  }

  /** Whether this relay holds the lead (for tests and diagnostics). */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Whether a drain is running or due (for tests and diagnostics). */
  get draining(): boolean {
    return this.drains.ticking;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.connect();
    this.unsubscribe = onOutboxCommit(this.dataSource, () => {
      // A follower leaves local rows to the leader's poll; only the poll tries to take the lead.
      if (this.leading) this.wakeAfterLinger();
    });
    this.drains.start();
    this.retentionSweeps.start();
    this.wake();
  }

  /**
   * On shutdown, after HTTP and the consumers stopped (so no new rows come): publishes what is
   * committed, within FLUSH_BOUND_MS. Whatever is left is published by the next relay to lead.
   */
  async flush(): Promise<void> {
    if (this.stopped) return;
    await this.stopStarting();
    const deadline = Date.now() + FLUSH_BOUND_MS;
    try {
      if (!(await this.lead())) return;
      while (Date.now() < deadline && (await this.publishBatch()) > 0) {
        // until the outbox is empty or the bound is spent
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox flush stopped');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopStarting();
    await this.sweeping;
    await this.markSent();
    await this.endSession();
    await this.producer.disconnect();
  }

  /**
   * A wake-up after a local commit: drains after OUTBOX_RELAY_LINGER_MS, so the commits landing
   * meanwhile share the drain. Wake-ups during the linger add nothing.
   */
  private wakeAfterLinger(): void {
    this.drains.wake(this.config.OUTBOX_RELAY_LINGER_MS);
  }

  /** Drains now, or right after the drain under way. */
  wake(): void {
    this.drains.wake();
  }

  /**
   * Deletes published outbox rows and inbox rows older than MESSAGING_RETENTION_MS before `now`, if
   * this relay leads (one sweeper per database, on the leader's connection). Returns what it deleted.
   */
  async sweepExpired(now: Date = new Date()): Promise<RetentionSweep | undefined> {
    if (this.stopped || this.sweeping) return undefined;
    const sweep = (async () => {
      if (!this.leading) return undefined;
      const session = this.session as Client;
      const deleted = await this.onSession(session, () =>
        deleteExpiredMessages(session, new Date(now.getTime() - this.config.MESSAGING_RETENTION_MS), this.config.MESSAGING_RETENTION_CHUNK),
      );
      if (deleted.outbox + deleted.inbox > 0) this.logger.info(deleted, `expired messages deleted: ${deleted.outbox} outbox, ${deleted.inbox} inbox`);
      return deleted;
    })();
    this.sweeping = sweep.catch(() => undefined);
    try {
      return await sweep;
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox/inbox retention sweep failed, next interval retries');
      return undefined;
    } finally {
      this.sweeping = undefined;
    }
  }

  /** No drain or sweep starts after this; resolves once the running ones ended. */
  private async stopStarting(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await Promise.all([this.drains.stop(), this.retentionSweeps.stop()]);
  }

  private async drain(): Promise<void> {
    if (!(await this.lead())) return;
    while (!this.stopped && (await this.publishBatch()) === BATCH_SIZE) {
      // a full batch means more may be waiting
    }
  }

  /** Marks the last batch sent, if any, without reading more (shutdown); one that cannot is sent again by the next leader. */
  private async markSent(): Promise<void> {
    const session = this.session;
    if (!this.leading || !session || this.sentUnmarked.length === 0) return;
    await this.onSession(session, () => session.query({ ...MARK_AND_SELECT, values: [this.sentUnmarked, 0] })).catch(() => undefined);
    this.sentUnmarked = [];
  }

  /** True while this relay's session holds the lock; tries to take it (reconnecting if need be) otherwise. */
  private async lead(): Promise<boolean> {
    if (this.leading) return true;
    const session = this.session ?? (await this.connect());
    const { rows } = await this.onSession(session, () => session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LOCK_KEY]));
    if (rows[0].locked && this.session === session) {
      this.leading = true;
      this.logger.info('this replica now publishes the outbox (relay lock taken)');
    }
    return this.leading;
  }

  /**
   * Marks the previous batch and reads the next in one statement, sends it, and keeps its ids to mark with
   * the next drain (a wake-up, the poll, or shutdown): one statement per drain instead of a read and a mark.
   */
  private async publishBatch(): Promise<number> {
    const session = this.session;
    if (!this.leading || !session) return 0;
    const marks = this.sentUnmarked;
    const { rows } = await this.onSession(session, () => session.query<OutboxRow>({ ...MARK_AND_SELECT, values: [marks, BATCH_SIZE] }));
    if (this.session === session) this.sentUnmarked = [];
    outboxDrainMessages.observe(rows.length);
    if (rows.length === 0) return 0;
    const envelopes = rows.map((row) => JSON.parse(row.value) as MessageEnvelope);
    await this.producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages: groupByTopic(rows, envelopes) });
    if (this.session === session) this.sentUnmarked = rows.map((row) => row.id);
    const acknowledgedAt = Date.now();
    for (const envelope of envelopes) outboxPublishLag.observe(Math.max(0, (acknowledgedAt - Date.parse(envelope.occurredAt)) / 1000));
    return rows.length;
  }

  private async connect(): Promise<Client> {
    const session = new Client({ ...clientConfigOf(this.dataSource), keepAlive: true, application_name: 'outbox-relay', options: SESSION_OPTIONS });
    // Errors on an idle connection arrive here, not through a query: the lock went with the session.
    session.on('error', (error) => this.lose(session, error));
    await session.connect();
    if (this.stopped) {
      await session.end();
      throw new Error('outbox relay stopped');
    }
    this.session = session;
    return session;
  }

  /** Runs a statement on the session; a failure drops the session, and the lead with it. */
  private async onSession<T>(session: Client, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.lose(session, error as Error);
      throw error;
    }
  }

  private lose(session: Client, error: Error): void {
    if (this.session !== session) return;
    if (this.leading) this.logger.warn({ err: error }, 'outbox relay lost its connection, and the lead with it');
    void this.endSession();
  }

  /** Ending the session releases the lock (if held) as soon as PostgreSQL sees it go. */
  private async endSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.leading = false;
    // Unmarked rows stay unpublished in the table: whoever leads next sends them again.
    this.sentUnmarked = [];
    await session?.end().catch(() => undefined);
  }
}

function clientConfigOf(dataSource: DataSource): ClientConfig {
  const options = dataSource.options as PostgresConnectionOptions;
  if (options.url) return { connectionString: options.url };
  return { host: options.host, port: options.port, user: options.username, password: options.password as string | undefined, database: options.database };
}

function groupByTopic(rows: OutboxRow[], envelopes: MessageEnvelope[]) {
  const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
  rows.forEach((row, i) => {
    const messages = byTopic.get(row.topic) ?? [];
    messages.push({ key: row.message_key, value: row.value, headers: headersOf(envelopes[i]) });
    byTopic.set(row.topic, messages);
  });
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
