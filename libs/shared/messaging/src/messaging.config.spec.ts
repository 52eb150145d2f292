import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaClientSecurity } from './kafka-security';
import { kafkaSecurityConfigFrom, MessagingConfig, messagingConfigFrom } from './messaging.config';

const from = (values: Record<string, unknown>) => messagingConfigFrom({ get: (key: string) => values[key] } as never);

describe('MessagingConfig', () => {
  it('takes the documented defaults when nothing is set, Kafka in plaintext', () => {
    expect({ ...from({}) }).toEqual({
      KAFKA_SSL: false,
      KAFKA_SSL_REJECT_UNAUTHORIZED: true,
      MESSAGE_MAX_ATTEMPTS: 5,
      MESSAGE_RETRY_BACKOFF_MS: 200,
      OUTBOX_POLL_INTERVAL_MS: 1000,
      OUTBOX_RELAY_LINGER_MS: 0,
      KAFKA_FETCH_MIN_BYTES: 1,
      KAFKA_FETCH_MAX_WAIT_MS: 5000,
      KAFKA_OFFSET_COMMIT_INTERVAL_MS: 1000,
      KAFKA_CONSUMER_LINGER_MS: 30,
      MESSAGING_RETENTION_MS: 604_800_000,
      MESSAGING_RETENTION_INTERVAL_MS: 60_000,
      MESSAGING_RETENTION_CHUNK: 5000,
    });
    expect(kafkaClientSecurity(from({}))).toEqual({});
  });

  it("takes a service's own defaults from its subclass, which the environment still overrides and validates", () => {
    class LazyConsumerConfig extends MessagingConfig {
      override KAFKA_FETCH_MIN_BYTES: number = 65_536;
      override KAFKA_FETCH_MAX_WAIT_MS: number = 200;
    }
    const read = (values: Record<string, unknown>) => messagingConfigFrom({ get: (key: string) => values[key] } as never, LazyConsumerConfig);

    expect(read({})).toMatchObject({ KAFKA_FETCH_MIN_BYTES: 65_536, KAFKA_FETCH_MAX_WAIT_MS: 200, KAFKA_CONSUMER_LINGER_MS: 30 });
    expect(read({ KAFKA_FETCH_MAX_WAIT_MS: '50' })).toMatchObject({ KAFKA_FETCH_MIN_BYTES: 65_536, KAFKA_FETCH_MAX_WAIT_MS: 50 });
    expect(() => read({ KAFKA_FETCH_MAX_WAIT_MS: '0' })).toThrow(/KAFKA_FETCH_MAX_WAIT_MS/);
  });

  it('reads environment strings as numbers', () => {
    expect(from({ MESSAGE_MAX_ATTEMPTS: '3', MESSAGING_RETENTION_MS: '3600000' })).toMatchObject({
      MESSAGE_MAX_ATTEMPTS: 3,
      MESSAGING_RETENTION_MS: 3_600_000,
    });
  });

  it.each([
    ['MESSAGE_MAX_ATTEMPTS', '0'],
    ['MESSAGE_MAX_ATTEMPTS', 'five'],
    ['MESSAGE_MAX_ATTEMPTS', '2.5'],
    ['MESSAGE_RETRY_BACKOFF_MS', '-1'],
    ['OUTBOX_POLL_INTERVAL_MS', '10'],
    ['MESSAGING_RETENTION_MS', '59999'],
    ['MESSAGING_RETENTION_CHUNK', '0'],
    ['OUTBOX_RELAY_LINGER_MS', '-1'],
    ['KAFKA_FETCH_MIN_BYTES', '0'],
    ['KAFKA_FETCH_MAX_WAIT_MS', '0'],
    ['KAFKA_SSL', 'yes'],
    ['KAFKA_SSL_REJECT_UNAUTHORIZED', 'no'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => from({ [name]: value })).toThrow(new RegExp(`Invalid configuration:[\\s\\S]*${name}`));
  });
});

describe('Kafka connection settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-security-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const certificate = file('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const key = file('client.key', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
  const encryptedKey = file('encrypted.key', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF\n-----END ENCRYPTED PRIVATE KEY-----\n');
  const notPem = file('notes.txt', 'just words\n');
  const passwordFile = file('password', 's3cret\n');
  const emptyFile = file('empty', '\n');
  const missing = join(dir, 'nowhere.pem');
  const settings = (values: Record<string, string>) => kafkaSecurityConfigFrom(values);
  const refusal = (values: Record<string, string>) => {
    try {
      settings(values);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('the settings were accepted');
  };
  const scram = { KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'order-service' };

  it('reads KAFKA_SSL=false as plaintext, not as a truthy string', () => {
    expect(kafkaClientSecurity(settings({ KAFKA_SSL: 'false' }))).toEqual({});
  });

  it('connects over TLS with the CA read from KAFKA_SSL_CA_FILE', () => {
    expect(kafkaClientSecurity(settings({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: certificate }))).toEqual({
      ssl: { rejectUnauthorized: true, ca: [expect.stringContaining('BEGIN CERTIFICATE')] },
    });
  });

  it("connects over TLS with Node's public CAs when no CA file is given", () => {
    expect(kafkaClientSecurity(settings({ KAFKA_SSL: 'true' }))).toEqual({ ssl: { rejectUnauthorized: true } });
  });

  it('presents a client certificate and key for mutual TLS', () => {
    const { ssl } = kafkaClientSecurity(settings({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: certificate, KAFKA_SSL_KEY_FILE: key }));
    expect(ssl).toMatchObject({ cert: expect.stringContaining('BEGIN CERTIFICATE'), key: expect.stringContaining('BEGIN PRIVATE KEY') });
  });

  it('authenticates with SCRAM over TLS, the Kafka spelling of the mechanism accepted, the password file read without its newline', () => {
    expect(kafkaClientSecurity(settings({ ...scram, KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_PASSWORD_FILE: passwordFile })).sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'order-service',
      password: 's3cret',
    });
  });

  it('authenticates with PLAIN over TLS (Confluent Cloud: API key and secret)', () => {
    const config = settings({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'API-KEY', KAFKA_SASL_PASSWORD: 'api-secret' });
    expect(kafkaClientSecurity(config)).toEqual({
      ssl: { rejectUnauthorized: true },
      sasl: { mechanism: 'plain', username: 'API-KEY', password: 'api-secret' },
    });
  });

  it.each([
    ['a missing CA file', { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: missing }, `KAFKA_SSL_CA_FILE: ${missing} does not exist`],
    ['a CA file without a certificate', { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: notPem }, `KAFKA_SSL_CA_FILE: ${notPem} holds no PEM certificate`],
    [
      'a CA file without KAFKA_SSL',
      { KAFKA_SSL_CA_FILE: certificate },
      'KAFKA_SSL_CA_FILE: KAFKA_SSL_CA_FILE only applies to TLS connections: set KAFKA_SSL=true',
    ],
    [
      'a certificate without its key',
      { KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: certificate },
      'KAFKA_SSL_CERT_FILE: a client certificate needs its key: set KAFKA_SSL_KEY_FILE too',
    ],
    [
      'a key without its certificate',
      { KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: key },
      'KAFKA_SSL_KEY_FILE: a client key needs its certificate: set KAFKA_SSL_CERT_FILE too',
    ],
    [
      'an encrypted key',
      { KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: certificate, KAFKA_SSL_KEY_FILE: encryptedKey },
      `KAFKA_SSL_KEY_FILE: ${encryptedKey} holds an encrypted private key`,
    ],
    [
      'an unchecked broker certificate without TLS',
      { KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' },
      'KAFKA_SSL_REJECT_UNAUTHORIZED: KAFKA_SSL_REJECT_UNAUTHORIZED=false only applies to TLS connections',
    ],
    [
      'SASL without TLS',
      { ...scram, KAFKA_SSL: 'false', KAFKA_SASL_PASSWORD: 'pw' },
      'KAFKA_SASL_MECHANISM: SASL credentials are only sent over TLS: set KAFKA_SSL=true',
    ],
    [
      'an unsupported mechanism',
      { ...scram, KAFKA_SASL_MECHANISM: 'AWS_MSK_IAM', KAFKA_SASL_PASSWORD: 'pw' },
      'KAFKA_SASL_MECHANISM: KAFKA_SASL_MECHANISM must be one of',
    ],
    [
      'a mechanism without a user',
      { KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_PASSWORD: 'pw' },
      'KAFKA_SASL_USERNAME: KAFKA_SASL_MECHANISM=scram-sha-512 needs KAFKA_SASL_USERNAME',
    ],
    ['a mechanism without a password', scram, 'KAFKA_SASL_PASSWORD: KAFKA_SASL_MECHANISM=scram-sha-512 needs a password'],
    [
      'two passwords',
      { ...scram, KAFKA_SASL_PASSWORD: 'pw', KAFKA_SASL_PASSWORD_FILE: passwordFile },
      'KAFKA_SASL_PASSWORD: set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both',
    ],
    ['a missing password file', { ...scram, KAFKA_SASL_PASSWORD_FILE: missing }, `KAFKA_SASL_PASSWORD_FILE: ${missing} does not exist`],
    ['an empty password file', { ...scram, KAFKA_SASL_PASSWORD_FILE: emptyFile }, `KAFKA_SASL_PASSWORD_FILE: ${emptyFile} is empty`],
    [
      'a user without a mechanism',
      { KAFKA_SSL: 'true', KAFKA_SASL_USERNAME: 'order-service' },
      'KAFKA_SASL_USERNAME: KAFKA_SASL_USERNAME is set but KAFKA_SASL_MECHANISM is not',
    ],
  ])('refuses %s, naming the setting', (_case, values, message) => {
    expect(refusal(values as Record<string, string>)).toContain(message);
  });

  it('treats an empty variable as unset, as an empty ConfigMap entry means', () => {
    expect(kafkaClientSecurity(settings({ KAFKA_SSL: '', KAFKA_SASL_MECHANISM: '', KAFKA_SSL_CA_FILE: '' }))).toEqual({});
  });
});
