import { readFileSync } from 'node:fs';
import { ConfigService } from '@nestjs/config';
import { validateConfig } from '@order-saga/shared/config';
import { Transform } from 'class-transformer';
import { getMetadataStorage, IsBoolean, IsIn, IsInt, Max, Min, registerDecorator, ValidateIf } from 'class-validator';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** kafkajs' names of the SASL mechanisms it speaks; the Kafka spelling (SCRAM-SHA-512) is accepted too. */
export const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/**
 * How every Kafka client of the process connects: plaintext (nothing set), TLS with a CA, mutual TLS, and
 * SASL (SCRAM-SHA-512, SCRAM-SHA-256, PLAIN) over TLS. Files are checked when the settings are read, so a
 * missing or unreadable file, or a combination that cannot work, stops the boot naming the setting.
 * docs/kafka-security.md gives the values for Strimzi, Amazon MSK and Confluent Cloud.
 */
export class KafkaSecurityConfig {
  /** true: connect over TLS (the SSL and SASL_SSL listeners). The broker's certificate is checked against KAFKA_SSL_CA_FILE, or against Node's public CAs when that is unset. */
  @Transform(({ obj, key }) => booleanFromEnv((obj as Record<string, unknown>)[key]))
  @IsBoolean({ message: 'KAFKA_SSL must be true or false' })
  KAFKA_SSL: boolean = false;

  /** PEM file of the CA certificate(s) that sign the brokers' certificates (Strimzi's cluster CA `ca.crt`). Unset: Node's public CAs (MSK, Confluent Cloud). */
  @Rule((config) => needsTls(config, 'KAFKA_SSL_CA_FILE') ?? pemFileProblem(config.KAFKA_SSL_CA_FILE, 'CERTIFICATE'))
  KAFKA_SSL_CA_FILE?: string;

  /** Mutual TLS: PEM file of this client's certificate (Strimzi's `user.crt`); needs KAFKA_SSL_KEY_FILE. */
  @Rule(
    (config) =>
      needsTls(config, 'KAFKA_SSL_CERT_FILE') ??
      (config.KAFKA_SSL_CERT_FILE !== undefined && config.KAFKA_SSL_KEY_FILE === undefined
        ? 'a client certificate needs its key: set KAFKA_SSL_KEY_FILE too'
        : undefined) ??
      pemFileProblem(config.KAFKA_SSL_CERT_FILE, 'CERTIFICATE'),
  )
  KAFKA_SSL_CERT_FILE?: string;

  /** Mutual TLS: PEM file of this client's private key, unencrypted (Strimzi's `user.key`); needs KAFKA_SSL_CERT_FILE. */
  @Rule(
    (config) =>
      needsTls(config, 'KAFKA_SSL_KEY_FILE') ??
      (config.KAFKA_SSL_KEY_FILE !== undefined && config.KAFKA_SSL_CERT_FILE === undefined
        ? 'a client key needs its certificate: set KAFKA_SSL_CERT_FILE too'
        : undefined) ??
      pemFileProblem(config.KAFKA_SSL_KEY_FILE, 'PRIVATE KEY'),
  )
  KAFKA_SSL_KEY_FILE?: string;

  /** false accepts any broker certificate: for a local test broker only, never in production. */
  @Transform(({ obj, key }) => booleanFromEnv((obj as Record<string, unknown>)[key]))
  @IsBoolean({ message: 'KAFKA_SSL_REJECT_UNAUTHORIZED must be true or false' })
  @Rule((config) => needsTls(config, 'KAFKA_SSL_REJECT_UNAUTHORIZED=false', config.KAFKA_SSL_REJECT_UNAUTHORIZED === false))
  KAFKA_SSL_REJECT_UNAUTHORIZED: boolean = true;

  /** SASL mechanism: scram-sha-512 (Strimzi, MSK), scram-sha-256 or plain (Confluent Cloud). Unset: no SASL. SASL is only sent over TLS, so it needs KAFKA_SSL=true. */
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @ValidateIf((config: KafkaSecurityConfig) => config.KAFKA_SASL_MECHANISM !== undefined)
  @IsIn(KAFKA_SASL_MECHANISMS, {
    message: `KAFKA_SASL_MECHANISM must be one of ${KAFKA_SASL_MECHANISMS.join(', ')} (AWS_MSK_IAM, OAUTHBEARER and GSSAPI are not supported)`,
  })
  @Rule((config) =>
    config.KAFKA_SASL_MECHANISM !== undefined && !config.KAFKA_SSL
      ? 'SASL credentials are only sent over TLS: set KAFKA_SSL=true (the SASL_SSL listener)'
      : undefined,
  )
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;

  /** SASL user name (Strimzi: the KafkaUser's name; Confluent Cloud: the API key). */
  @Rule((config) => saslPartProblem(config, 'KAFKA_SASL_USERNAME', config.KAFKA_SASL_USERNAME))
  KAFKA_SASL_USERNAME?: string;

  /** SASL password (Confluent Cloud: the API secret); or KAFKA_SASL_PASSWORD_FILE, not both. */
  @Rule(
    (config) =>
      (config.KAFKA_SASL_MECHANISM === undefined ? saslPartProblem(config, 'KAFKA_SASL_PASSWORD', config.KAFKA_SASL_PASSWORD) : undefined) ??
      (config.KAFKA_SASL_PASSWORD !== undefined && config.KAFKA_SASL_PASSWORD_FILE !== undefined
        ? 'set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both'
        : undefined) ??
      (config.KAFKA_SASL_MECHANISM !== undefined && config.KAFKA_SASL_PASSWORD === undefined && config.KAFKA_SASL_PASSWORD_FILE === undefined
        ? `KAFKA_SASL_MECHANISM=${config.KAFKA_SASL_MECHANISM} needs a password: set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE`
        : undefined),
  )
  KAFKA_SASL_PASSWORD?: string;

  /** File holding the SASL password (a mounted Secret, e.g. Strimzi's user Secret key `password`); one trailing newline is ignored. */
  @Rule(
    (config) =>
      (config.KAFKA_SASL_MECHANISM === undefined ? saslPartProblem(config, 'KAFKA_SASL_PASSWORD_FILE', config.KAFKA_SASL_PASSWORD_FILE) : undefined) ??
      passwordFileProblem(config.KAFKA_SASL_PASSWORD_FILE),
  )
  KAFKA_SASL_PASSWORD_FILE?: string;
}

/**
 * The messaging library's settings (consumer retries and fetch, relay, retention, and how its Kafka clients
 * connect), validated when MessagingModule boots: a bad value stops the process with a message naming the
 * variable. docs/saga-reliability.md explains the first ones, docs/kafka-security.md the connection.
 */
export class MessagingConfig extends KafkaSecurityConfig {
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
   * After a round that applied two messages or more, how long a consumer waits, counted from when that
   * round's fetch arrived, before it fetches again (BatchingKafkaServer): what arrives meanwhile is applied
   * together in the next round, one transaction and one fetch for several messages instead of one each. It
   * costs a hop at most this much latency, and only while messages come in bunches: after a lone message, an
   * idle spell (long poll) or a round that took longer than this, the consumer fetches again at once.
   * 0: fetch again as soon as a round is done. order-service's consumer is on a saga's path twice: 0 there
   * answers POST /orders in about half the median time at 50–100 orders/s, for 5–12 % more CPU per saga.
   */
  @IsInt()
  @Min(0)
  @Max(1000)
  KAFKA_CONSUMER_LINGER_MS: number = 30;

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

/** Every setting a class declares, decorated or inherited: the optional ones have no default to list them by. */
function settingsOf(cls: new () => object): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  return [...new Set(metadata.map((entry) => entry.propertyName))];
}

const MESSAGING_KEYS = settingsOf(MessagingConfig);
const SECURITY_KEYS = settingsOf(KafkaSecurityConfig);

/** Picks `keys` from a source of settings; an empty string counts as unset (an empty ConfigMap entry). */
function pick(keys: string[], get: (key: string) => unknown): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, get(key)]).filter(([, value]) => value !== undefined && value !== ''));
}

/**
 * Reads and validates the settings above through Nest's ConfigService (environment or loaded values).
 * `cls`: a service's subclass of MessagingConfig whose defaults suit its consumer (see MessagingModule).
 */
export function messagingConfigFrom(config: Pick<ConfigService, 'get'>, cls: new () => MessagingConfig = MessagingConfig): MessagingConfig {
  return validateConfig(
    cls,
    pick(MESSAGING_KEYS, (key) => config.get(key)),
  );
}

/**
 * The connection settings alone, for tools and tests that build a kafkajs client outside a service
 * (`npm run dlq:redrive`, the bench's probes): `kafkaSecurityConfigFrom(process.env)`.
 */
export function kafkaSecurityConfigFrom(values: Record<string, unknown>): KafkaSecurityConfig {
  return validateConfig(
    KafkaSecurityConfig,
    pick(SECURITY_KEYS, (key) => values[key]),
  );
}

/**
 * 'true'/'false' as booleans. Anything else is kept as it is, so IsBoolean refuses it by name: class-transformer's
 * implicit conversion alone would read the string 'false' as true.
 */
function booleanFromEnv(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

/** A property check that sees the whole config: `problem` returns what is wrong, or undefined. */
function Rule(problem: (config: KafkaSecurityConfig) => string | undefined): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'kafkaSecurityRule',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (_value, args) => problem(args?.object as KafkaSecurityConfig) === undefined,
        defaultMessage: (args) => problem(args?.object as KafkaSecurityConfig) ?? '',
      },
    });
}

/** A TLS setting given while KAFKA_SSL is off would be silently ignored: refused instead. */
function needsTls(config: KafkaSecurityConfig, setting: string, set = config[setting as keyof KafkaSecurityConfig] !== undefined): string | undefined {
  return set && !config.KAFKA_SSL ? `${setting} only applies to TLS connections: set KAFKA_SSL=true` : undefined;
}

function saslPartProblem(config: KafkaSecurityConfig, setting: string, value: string | undefined): string | undefined {
  if (config.KAFKA_SASL_MECHANISM === undefined) return value === undefined ? undefined : `${setting} is set but KAFKA_SASL_MECHANISM is not`;
  if (setting === 'KAFKA_SASL_USERNAME' && (value === undefined || value.trim() === '')) {
    return `KAFKA_SASL_MECHANISM=${config.KAFKA_SASL_MECHANISM} needs KAFKA_SASL_USERNAME`;
  }
  return undefined;
}

/** Why `path` cannot serve as a PEM file holding a `label` block (CERTIFICATE, PRIVATE KEY), or undefined. */
function pemFileProblem(path: string | undefined, label: 'CERTIFICATE' | 'PRIVATE KEY'): string | undefined {
  if (path === undefined) return undefined;
  const text = readable(path);
  if (typeof text !== 'string') return text.problem;
  const begin = label === 'CERTIFICATE' ? /-----BEGIN CERTIFICATE-----/ : /-----BEGIN (RSA |EC )?PRIVATE KEY-----/;
  if (label === 'PRIVATE KEY' && /-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text)) return `${path} holds an encrypted private key; give the key unencrypted`;
  return begin.test(text) ? undefined : `${path} holds no PEM ${label.toLowerCase()} (-----BEGIN ${label}-----)`;
}

function passwordFileProblem(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const text = readable(path);
  if (typeof text !== 'string') return text.problem;
  return text.replace(/\r?\n$/, '') === '' ? `${path} is empty` : undefined;
}

function readable(path: string): string | { problem: string } {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? `${path} does not exist` : `${path} cannot be read (${code ?? (error as Error).message})` };
  }
}
