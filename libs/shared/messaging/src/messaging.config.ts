import { ConfigService } from '@nestjs/config';
import { validateConfig } from '@order-saga/shared/config';
import { IsInt, Max, Min } from 'class-validator';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * The messaging library's settings (consumer retries and fetch, relay, retention), validated when MessagingModule
 * boots: a bad value stops the process with a message naming the variable. docs/saga-reliability.md
 * explains each one.
 */
export class MessagingConfig {
  /** Attempts a handler gets (each in its own transaction) before its message is dead-lettered. */
  @IsInt()
  @Min(1)
  @Max(100)
  MESSAGE_MAX_ATTEMPTS: number = 5;

  /** Backoff before the second attempt; it doubles for each attempt after that. */
  @IsInt()
  @Min(0)
  @Max(60_000)
  MESSAGE_RETRY_BACKOFF_MS: number = 200;

  /**
   * Backstop poll of the outbox. The relay is woken in-process when a transaction of its own process
   * that appended commits; the poll picks up what other replicas committed (only one replica leads)
   * and is when a follower tries to take the lead.
   */
  @IsInt()
  @Min(50)
  OUTBOX_POLL_INTERVAL_MS: number = 1000;

  /**
   * How long the relay waits after an in-process wake-up (a local commit that appended) before it
   * drains, so that one SELECT, one send and one UPDATE carry the rows of the commits that land
   * meanwhile. 0 drains at once. Each ms adds up to that much to a message's publish latency.
   */
  @IsInt()
  @Min(0)
  @Max(1000)
  OUTBOX_RELAY_LINGER_MS: number = 0;

  /**
   * The consumer's fetch: the broker answers once it has KAFKA_FETCH_MIN_BYTES for this consumer or
   * KAFKA_FETCH_MAX_WAIT_MS passed. A larger minimum makes fewer, larger rounds (one transaction
   * each, see BatchingKafkaServer) at the price of up to the wait in latency when traffic is light.
   */
  @IsInt()
  @Min(1)
  @Max(10_485_760)
  KAFKA_FETCH_MIN_BYTES: number = 1;

  /** See KAFKA_FETCH_MIN_BYTES; also how long a consumer whose partitions are all paused sleeps between fetches. */
  @IsInt()
  @Min(1)
  @Max(60_000)
  KAFKA_FETCH_MAX_WAIT_MS: number = 5000;

  /**
   * How often a consumer commits the offsets its transactions resolved (BatchingKafkaServer's
   * OffsetCommitter); 0 commits after every transaction. Only what committed in PostgreSQL is ever
   * resolved, so a longer interval loses nothing: a crash or rebalance redelivers up to that much, and
   * the inbox drops it.
   */
  @IsInt()
  @Min(0)
  @Max(60_000)
  KAFKA_OFFSET_COMMIT_INTERVAL_MS: number = 1000;

  /**
   * How long a published outbox row and a processed inbox row are kept. It must be longer than any
   * redelivery window: a message can come back as long as its offset is uncommitted (a consumer down
   * for days) and Kafka still holds it, so the default is the topics' retention.ms (7 days). The
   * inbox row is what makes that redelivery a no-op.
   */
  @IsInt()
  @Min(MINUTE_MS)
  MESSAGING_RETENTION_MS: number = 7 * DAY_MS;

  /** How often the relay's leader deletes expired rows. */
  @IsInt()
  @Min(1000)
  MESSAGING_RETENTION_INTERVAL_MS: number = MINUTE_MS;

  /** Rows per DELETE statement, so no sweep holds locks or bloats WAL for long. */
  @IsInt()
  @Min(1)
  @Max(100_000)
  MESSAGING_RETENTION_CHUNK: number = 5000;
}

const KEYS = Object.keys(new MessagingConfig()) as (keyof MessagingConfig)[];

/** Reads and validates the settings above through Nest's ConfigService (environment or loaded values). */
export function messagingConfigFrom(config: Pick<ConfigService, 'get'>): MessagingConfig {
  const values = Object.fromEntries(KEYS.map((key) => [key, config.get(key)]).filter(([, value]) => value !== undefined && value !== ''));
  return validateConfig(MessagingConfig, values);
}
