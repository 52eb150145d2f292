import { IsInt, IsNotEmpty, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { BaseServiceConfig, validateConfig } from '@order-saga/shared/config';

const HTTP_URL: Parameters<typeof IsUrl>[0] = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class GatewayConfig extends BaseServiceConfig {
  // Fields carry explicit types: the decorator metadata that turns env strings into numbers comes from
  // the annotation only; `X = 15_000` alone is reflected as Object, and '15000' then fails @IsInt.
  override PORT: number = 3000;

  /**
   * JSON file of the ES256 signing keys ({active_kid, keys: [private JWK]}); see
   * oauth/signing-keys/signing-keys.cli.ts for creating and rotating it.
   */
  @IsString()
  @IsNotEmpty()
  JWT_SIGNING_KEYS_FILE: string;

  @IsString()
  @IsNotEmpty()
  JWT_ISSUER: string = 'order-saga-gateway';

  @IsString()
  @IsNotEmpty()
  JWT_AUDIENCE: string = 'order-saga-api';

  @IsInt()
  @Min(60)
  @Max(86_400)
  ACCESS_TOKEN_TTL_SECONDS: number = 3600;

  /** Base URL of order-service, e.g. http://order-service:3001; the gateway appends /orders... to it. */
  @IsUrl(HTTP_URL)
  ORDER_SERVICE_URL: string;

  /** Base URL of inventory-service (products and stock administration). */
  @IsUrl(HTTP_URL)
  INVENTORY_SERVICE_URL: string;

  /** Base URL of notification-service (webhook endpoints and deliveries). */
  @IsUrl(HTTP_URL)
  NOTIFICATION_SERVICE_URL: string;

  /** Applies to every upstream call. Must exceed order-service's own wait for the saga outcome, or slow-but-successful orders turn into 503s. */
  @IsInt()
  @Min(100)
  UPSTREAM_TIMEOUT_MS: number = 15_000;

  /**
   * Per replica: POST /api/v1/orders calls in flight to order-service; past it the gateway answers 503 with Retry-After
   * at once. 64 is above what the measured ceiling needs (~45 sagas/s × ~1 s); overloaded, an admitted order then
   * waits about (sum of the replicas' limits) ÷ sagas/s, well inside order-service's 8 s outcome wait.
   */
  @IsInt()
  @Min(1)
  @Max(10_000)
  UPSTREAM_MAX_IN_FLIGHT_ORDERS_WRITE: number = 64;

  /** Per replica and per service, for every other upstream call (reads, customers, products, webhooks): 503 past it. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  UPSTREAM_MAX_IN_FLIGHT_PER_SERVICE: number = 256;

  /**
   * Per replica: client secret checks (scrypt, tens of ms and ~32 MiB each, on libuv's 4-thread pool) run at once
   * by POST /oauth/token. 2 leaves half the pool to DNS and file I/O and bounds their memory to ~64 MiB.
   */
  @IsInt()
  @Min(1)
  @Max(64)
  OAUTH_SECRET_CHECKS_RUNNING: number = 2;

  /** Per replica: token requests that wait for a secret check slot; past it 503 with Retry-After at once. 32 waiting at 2 running is under a second. */
  @IsInt()
  @Min(0)
  @Max(10_000)
  OAUTH_SECRET_CHECKS_WAITING: number = 32;

  /** The origin clients reach the gateway at; for links the gateway itself builds (none yet, OpenAPI page next). */
  @IsUrl(HTTP_URL)
  PUBLIC_BASE_URL: string = 'http://localhost:3000';

  /** Rate-limit counters; shared by every replica. Unreachable Redis means per-process limits, not an outage. */
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  /** Prefix of every rate-limit key, so two deployments (or test runs) on one Redis do not share counters. */
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/)
  RATE_LIMIT_KEY_PREFIX: string = 'order-saga:rl';

  @IsInt()
  @Min(1)
  RATE_LIMIT_ORDERS_WRITE_PER_MINUTE: number = 100;

  @IsInt()
  @Min(1)
  RATE_LIMIT_ORDERS_READ_PER_MINUTE: number = 300;

  @IsInt()
  @Min(1)
  RATE_LIMIT_SEARCH_PER_MINUTE: number = 60;

  @IsInt()
  @Min(1)
  RATE_LIMIT_DEFAULT_PER_MINUTE: number = 100;

  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_DAY: number = 10_000;

  /** 150: a burst may reach 150 % of the per-minute limit. 100 turns bursts off. */
  @IsInt()
  @Min(100)
  @Max(1000)
  RATE_LIMIT_BURST_PERCENT: number = 150;

  @IsInt()
  @Min(1)
  @Max(60)
  RATE_LIMIT_BURST_SECONDS: number = 30;

  @IsInt()
  @Min(1)
  RATE_LIMIT_SANDBOX_MULTIPLIER: number = 10;
}

/** What the register-client CLI needs: only the gateway's database, not the service's secrets. */
export class RegisterClientCliConfig {
  @Matches(/^postgres(ql)?:\/\/.+\/[^/]+$/, { message: 'DATABASE_URL must be a postgres:// URL naming a database' })
  DATABASE_URL: string;
}

export function registerClientCliConfig(): RegisterClientCliConfig {
  return validateConfig(RegisterClientCliConfig, process.env);
}
