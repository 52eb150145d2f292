import { messagingConfigFrom } from './messaging.config';

const from = (values: Record<string, unknown>) => messagingConfigFrom({ get: (key: string) => values[key] } as never);

describe('MessagingConfig', () => {
  it('takes the documented defaults when nothing is set', () => {
    expect({ ...from({}) }).toEqual({
      MESSAGE_MAX_ATTEMPTS: 5,
      MESSAGE_RETRY_BACKOFF_MS: 200,
      OUTBOX_POLL_INTERVAL_MS: 1000,
      OUTBOX_RELAY_LINGER_MS: 0,
      KAFKA_FETCH_MIN_BYTES: 1,
      KAFKA_FETCH_MAX_WAIT_MS: 5000,
      KAFKA_OFFSET_COMMIT_INTERVAL_MS: 1000,
      MESSAGING_RETENTION_MS: 604_800_000,
      MESSAGING_RETENTION_INTERVAL_MS: 60_000,
      MESSAGING_RETENTION_CHUNK: 5000,
    });
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
    ['MESSAGE_RETRY_BACKOFF_MS', '-1'],
    ['OUTBOX_POLL_INTERVAL_MS', '10'],
    ['MESSAGING_RETENTION_MS', '59999'],
    ['MESSAGING_RETENTION_CHUNK', '0'],
    ['OUTBOX_RELAY_LINGER_MS', '-1'],
    ['KAFKA_FETCH_MIN_BYTES', '0'],
    ['KAFKA_FETCH_MAX_WAIT_MS', '0'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => from({ [name]: value })).toThrow(new RegExp(`Invalid configuration:[\\s\\S]*${name}`));
  });
});
