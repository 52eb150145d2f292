import { randomBytes } from 'node:crypto';
import { freePort, RunningService, spawnService, stopService, waitUntilReady } from '@order-saga/infra';

/**
 * Gateway limits far above any rate a suite, the chaos run or the bench offers (the bench's 300/s is
 * 18 000/min), so that only tests that set small limits of their own ever see a 429.
 */
export const UNTHROTTLED_GATEWAY_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_ORDERS_WRITE_PER_MINUTE: '10000000',
  RATE_LIMIT_ORDERS_READ_PER_MINUTE: '10000000',
  RATE_LIMIT_SEARCH_PER_MINUTE: '10000000',
  RATE_LIMIT_DEFAULT_PER_MINUTE: '10000000',
  RATE_LIMIT_PER_DAY: '1000000000',
};

/** The unthrottled limits with a counter prefix of this run's own, so runs sharing one Redis never share counters. */
export function unthrottledGatewayEnv(keyPrefix: string): Record<string, string> {
  return { ...UNTHROTTLED_GATEWAY_LIMITS, RATE_LIMIT_KEY_PREFIX: `${keyPrefix}-${randomBytes(6).toString('hex')}` };
}

export interface ExtraGatewayOptions {
  /** Process and log file name. */
  name: string;
  /** The gateway database of the running system, shared with its own gateway. */
  databaseUrl: string;
  jwtSigningKeysFile: string;
  orderServiceUrl: string;
  inventoryServiceUrl: string;
  notificationServiceUrl: string;
  paymentServiceUrl: string;
  logDir: string;
  /** Changes to the environment (small limits, another key file, a dead Redis…), applied last. */
  env?: Record<string, string>;
}

/**
 * One more gateway process, unthrottled like a suite's own, in front of the same database and services;
 * stopped again when it does not get ready.
 */
export async function startExtraGateway(options: ExtraGatewayOptions): Promise<RunningService> {
  const service = spawnService(
    {
      name: options.name,
      entry: 'apps/gateway/src/main.ts',
      port: await freePort(),
      readyPath: '/health/ready',
      env: {
        DATABASE_URL: options.databaseUrl,
        LOG_LEVEL: 'info',
        JWT_SIGNING_KEYS_FILE: options.jwtSigningKeysFile,
        ORDER_SERVICE_URL: options.orderServiceUrl,
        INVENTORY_SERVICE_URL: options.inventoryServiceUrl,
        NOTIFICATION_SERVICE_URL: options.notificationServiceUrl,
        PAYMENT_SERVICE_URL: options.paymentServiceUrl,
        ...unthrottledGatewayEnv(options.name),
        ...options.env,
      },
    },
    options.logDir,
  );
  try {
    await waitUntilReady(service, 60_000);
  } catch (error) {
    await stopService(service);
    throw error;
  }
  return service;
}
