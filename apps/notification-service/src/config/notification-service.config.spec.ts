import { validateConfig } from '@order-saga/shared/config';
import { messagingConfigFrom } from '@order-saga/shared/messaging';
import { NotificationMessagingConfig } from './notification-messaging.config';
import { NotificationServiceConfig } from './notification-service.config';

const required = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/notification', KAFKA_BROKERS: '127.0.0.1:9092' };

describe('NotificationServiceConfig', () => {
  it("defaults to the spec's delivery policy: 30 s timeout, 5 attempts over about 2.5 hours", () => {
    const config = validateConfig(NotificationServiceConfig, required);

    expect(config).toMatchObject({
      PORT: 3004,
      WEBHOOK_TIMEOUT_MS: 30_000,
      WEBHOOK_RETRY_SCHEDULE_SECONDS: '0,60,300,1800,7200',
      DELIVERY_POLL_INTERVAL_MS: 1000,
      DELIVERY_CONCURRENCY: 32,
      WEBHOOK_ENDPOINT_CONCURRENCY: 2,
      DEPLOY_ENV: 'development',
    });
  });

  it('reads numbers from environment strings', () => {
    const config = validateConfig(NotificationServiceConfig, {
      ...required,
      WEBHOOK_TIMEOUT_MS: '5000',
      DELIVERY_POLL_INTERVAL_MS: '250',
      DELIVERY_CONCURRENCY: '2',
    });

    expect(config).toMatchObject({ WEBHOOK_TIMEOUT_MS: 5000, DELIVERY_POLL_INTERVAL_MS: 250, DELIVERY_CONCURRENCY: 2 });
  });

  it.each([
    ['WEBHOOK_RETRY_SCHEDULE_SECONDS', '0,1m,300'],
    ['WEBHOOK_RETRY_SCHEDULE_SECONDS', ''],
    ['WEBHOOK_TIMEOUT_MS', 'soon'],
    ['DELIVERY_CONCURRENCY', '0'],
    ['DEPLOY_ENV', 'prod'],
    ['WEBHOOK_ALLOW_PRIVATE_NETWORKS', 'yes'],
    ['WEBHOOK_ALLOWED_PRIVATE_CIDRS', 'localhost'],
  ])('stops the boot naming %s when it is %p', (name, value) => {
    expect(() => validateConfig(NotificationServiceConfig, { ...required, [name]: value })).toThrow(new RegExp(`^Invalid configuration:\\n  ${name}:`));
  });

  it('lets development and test reach private networks, and refuses them elsewhere', () => {
    expect(validateConfig(NotificationServiceConfig, required).networkPolicy).toEqual({ allowPrivateNetworks: true, allowedCidrs: [], requireHttps: false });
    expect(validateConfig(NotificationServiceConfig, { ...required, DEPLOY_ENV: 'staging' }).networkPolicy).toMatchObject({
      allowPrivateNetworks: false,
      requireHttps: false,
    });
    expect(validateConfig(NotificationServiceConfig, { ...required, DEPLOY_ENV: 'production' }).networkPolicy).toMatchObject({
      allowPrivateNetworks: false,
      requireHttps: true,
    });
  });

  it('can run the production guard locally with an allow-list for a receiver on the laptop', () => {
    const config = validateConfig(NotificationServiceConfig, {
      ...required,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false',
      WEBHOOK_ALLOWED_PRIVATE_CIDRS: '127.0.0.1, 10.0.0.0/8',
    });

    expect(config.networkPolicy).toEqual({ allowPrivateNetworks: false, allowedCidrs: ['127.0.0.1', '10.0.0.0/8'], requireHttps: false });
  });

  it.each([
    ['WEBHOOK_ALLOW_PRIVATE_NETWORKS', 'true'],
    ['WEBHOOK_ALLOWED_PRIVATE_CIDRS', '127.0.0.1'],
  ])('stops a production boot that sets %s=%s', (name, value) => {
    expect(() => validateConfig(NotificationServiceConfig, { ...required, DEPLOY_ENV: 'production', [name]: value })).toThrow(
      new RegExp(`${name}: .*only allowed with DEPLOY_ENV development or test`),
    );
  });
});

describe('NotificationMessagingConfig', () => {
  it('fetches order events lazily by default (64 KiB or 200 ms), the rest as every consumer does; the environment overrides it', () => {
    const read = (values: Record<string, string>) => messagingConfigFrom({ get: (key: string) => values[key] } as never, NotificationMessagingConfig);

    expect(read({})).toMatchObject({ KAFKA_FETCH_MIN_BYTES: 65_536, KAFKA_FETCH_MAX_WAIT_MS: 200, KAFKA_CONSUMER_LINGER_MS: 30, MESSAGE_MAX_ATTEMPTS: 5 });
    expect(read({ KAFKA_FETCH_MIN_BYTES: '1' })).toMatchObject({ KAFKA_FETCH_MIN_BYTES: 1, KAFKA_FETCH_MAX_WAIT_MS: 200 });
  });
});
