import { IsInt, IsNotEmpty, IsString, IsUrl, Matches, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { BaseServiceConfig, DatabaseConfig, validateConfig } from '@order-saga/shared/config';
import { EXTERNAL_ALGORITHMS, ExternalIdpSettings, parseScopeMap } from '../oauth/external-idp/external-idp';

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

  /**
   * JWKS URL of an external identity provider (Keycloak, Hydra, Auth0) whose access tokens the gateway also accepts;
   * unset: only the gateway's own tokens. Needs EXTERNAL_IDP_ISSUER and EXTERNAL_IDP_AUDIENCE.
   */
  @ValidateIf((config: GatewayConfig) =>
    [config.EXTERNAL_IDP_JWKS_URL, config.EXTERNAL_IDP_ISSUER, config.EXTERNAL_IDP_AUDIENCE].some((value) => value !== undefined),
  )
  @IsNotEmpty({ message: 'EXTERNAL_IDP_JWKS_URL is required when EXTERNAL_IDP_ISSUER or EXTERNAL_IDP_AUDIENCE is set' })
  @IsUrl(HTTP_URL, { message: 'EXTERNAL_IDP_JWKS_URL must be an http(s) URL' })
  EXTERNAL_IDP_JWKS_URL?: string;

  /** The provider's `iss`, exactly as in its tokens; tokens carrying it are checked against EXTERNAL_IDP_JWKS_URL. Must differ from JWT_ISSUER. */
  @ValidateIf((config: GatewayConfig) => config.EXTERNAL_IDP_JWKS_URL !== undefined || config.EXTERNAL_IDP_ISSUER !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'EXTERNAL_IDP_ISSUER is required when EXTERNAL_IDP_JWKS_URL is set' })
  @ValidateBy({
    name: 'differsFromOwnIssuer',
    validator: {
      validate: (value: unknown, args) => value !== (args?.object as GatewayConfig).JWT_ISSUER,
      defaultMessage: () => 'EXTERNAL_IDP_ISSUER must differ from JWT_ISSUER',
    },
  })
  EXTERNAL_IDP_ISSUER?: string;

  /** The `aud` the provider puts in tokens meant for this API (Keycloak: an audience mapper; Auth0: the API identifier). */
  @ValidateIf((config: GatewayConfig) => config.EXTERNAL_IDP_JWKS_URL !== undefined || config.EXTERNAL_IDP_AUDIENCE !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'EXTERNAL_IDP_AUDIENCE is required when EXTERNAL_IDP_JWKS_URL is set' })
  EXTERNAL_IDP_AUDIENCE?: string;

  /** Comma-separated algorithms the provider signs with; asymmetric only. */
  @Matches(new RegExp(`^(${EXTERNAL_ALGORITHMS.join('|')})(,(${EXTERNAL_ALGORITHMS.join('|')}))*$`), {
    message: `EXTERNAL_IDP_ALGORITHMS must be a comma-separated list of ${EXTERNAL_ALGORITHMS.join(', ')}`,
  })
  EXTERNAL_IDP_ALGORITHMS: string = 'RS256,ES256';

  /** The claim holding the provider's scopes: a space-delimited string (scope, scp) or a list of strings (permissions, roles). */
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'EXTERNAL_IDP_SCOPE_CLAIM must be a claim name' })
  EXTERNAL_IDP_SCOPE_CLAIM: string = 'scope';

  /** provider-scope=gateway-scope pairs (gateway scopes: read, write), e.g. `orders:read=read,orders:write=write`. Provider scopes not listed grant nothing. */
  @ValidateBy({
    name: 'scopeMap',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseScopeMap(value) !== undefined,
      defaultMessage: () =>
        'EXTERNAL_IDP_SCOPE_MAP must be comma-separated provider-scope=gateway-scope pairs, each gateway scope read or write, no provider scope twice',
    },
  })
  EXTERNAL_IDP_SCOPE_MAP: string = 'read=read,write=write';

  /** Prepended to the provider's client id (client_id, else azp, else sub). Ends in ':', which our own client ids cannot contain, so the two never collide. */
  @Matches(/^[A-Za-z0-9._~-]{0,32}:$/, { message: "EXTERNAL_IDP_CLIENT_ID_PREFIX must be up to 32 letters, digits or . _ ~ - followed by ':'" })
  EXTERNAL_IDP_CLIENT_ID_PREFIX: string = 'idp:';

  /** After a JWKS fetch, tokens naming an unknown `kid` are refused without fetching again for this long; a rotated key is picked up after it. */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  EXTERNAL_IDP_JWKS_COOLDOWN_MS: number = 30_000;

  /** Fetched keys are trusted this long, then fetched again: how long a key the provider withdrew keeps verifying tokens. */
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  EXTERNAL_IDP_JWKS_CACHE_MAX_AGE_MS: number = 600_000;

  /** A JWKS fetch slower than this fails; requests that needed it answer 503. */
  @IsInt()
  @Min(100)
  @Max(60_000)
  EXTERNAL_IDP_JWKS_TIMEOUT_MS: number = 5000;

  /** Base URL of order-service, e.g. http://order-service:3001; the gateway appends /orders... to it. */
  @IsUrl(HTTP_URL)
  ORDER_SERVICE_URL: string;

  /** Base URL of inventory-service (products and stock administration). */
  @IsUrl(HTTP_URL)
  INVENTORY_SERVICE_URL: string;

  /** Base URL of notification-service (webhook endpoints and deliveries). */
  @IsUrl(HTTP_URL)
  NOTIFICATION_SERVICE_URL: string;

  /** Base URL of payment-service: only operators reach it, for its dead letters. */
  @IsUrl(HTTP_URL)
  PAYMENT_SERVICE_URL: string;

  /** Applies to every upstream call. Must exceed order-service's own wait for the saga outcome, or slow-but-successful orders turn into 503s. */
  @IsInt()
  @Min(100)
  UPSTREAM_TIMEOUT_MS: number = 15_000;

  /**
   * Per replica: POST /api/v1/orders calls in flight to order-service; past it the gateway answers 503 with Retry-After
   * at once. 64 covers what a saturated 2-core stack holds in flight (~150–190 sagas/s × ~0.3 s); a larger limit only
   * lengthens the queue once the stack is saturated (128 against 64 at 200/s: p99 1.1–1.4 s against 0.7–0.8 s,
   * docs/performance.md). Overloaded, an admitted order waits about (sum of the replicas' limits) ÷ sagas/s, well
   * inside order-service's 8 s outcome wait.
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

  /** The origin clients and operators reach the gateway at. https makes the operator session cookie Secure. */
  @IsUrl(HTTP_URL)
  PUBLIC_BASE_URL: string = 'http://localhost:3000';

  /**
   * The operator console's build (`npx nx run console:build`; the image has it), served at /console/. Relative to
   * the working directory. Not built: /console/ says so, the API is unaffected.
   */
  @IsString()
  @IsNotEmpty()
  CONSOLE_DIR: string = 'dist/apps/console';

  /**
   * Proxies in front of the gateway that append the client's address to X-Forwarded-For (an ingress: 1). The
   * operator sign-in limit per address counts the address they report; 0 counts the connection's own address.
   */
  @IsInt()
  @Min(0)
  @Max(10)
  TRUSTED_PROXY_HOPS: number = 0;

  /**
   * Rate-limit counters and operator sessions; shared by every replica. Unreachable Redis means per-process
   * rate limits for the API (not an outage) and 503 on the operator routes.
   */
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  /** An operator session ends after this many seconds without a request. */
  @IsInt()
  @Min(60)
  @Max(86_400)
  OPERATOR_SESSION_IDLE_TIMEOUT_SECONDS: number = 1800;

  /** An operator session ends this many seconds after the sign-in however active it is; at least the idle timeout. */
  @IsInt()
  @Min(60)
  @Max(604_800)
  @ValidateBy({
    name: 'notBelowIdleTimeout',
    validator: {
      validate: (value: unknown, args) => typeof value === 'number' && value >= (args?.object as GatewayConfig).OPERATOR_SESSION_IDLE_TIMEOUT_SECONDS,
      defaultMessage: () => 'OPERATOR_SESSION_MAX_LIFETIME_SECONDS must be at least OPERATOR_SESSION_IDLE_TIMEOUT_SECONDS',
    },
  })
  OPERATOR_SESSION_MAX_LIFETIME_SECONDS: number = 43_200;

  /** Prefix of the operator session keys in Redis, so two deployments (or test runs) on one Redis never share sessions. */
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/)
  OPERATOR_SESSION_KEY_PREFIX: string = 'order-saga:operator-session';

  /** Operator sign-in attempts per username (any outcome), per minute; past it 429 until the minute is over. */
  @IsInt()
  @Min(1)
  OPERATOR_SIGN_IN_PER_USERNAME_PER_MINUTE: number = 5;

  @IsInt()
  @Min(1)
  OPERATOR_SIGN_IN_PER_USERNAME_PER_DAY: number = 100;

  /** Operator sign-in attempts per client address (see TRUSTED_PROXY_HOPS), per minute, whichever usernames they name. */
  @IsInt()
  @Min(1)
  OPERATOR_SIGN_IN_PER_ADDRESS_PER_MINUTE: number = 20;

  @IsInt()
  @Min(1)
  OPERATOR_SIGN_IN_PER_ADDRESS_PER_DAY: number = 1000;

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

/** The external identity provider's settings, undefined when EXTERNAL_IDP_JWKS_URL is unset (validation already ran). */
export function externalIdpSettingsOf(config: GatewayConfig): ExternalIdpSettings | undefined {
  if (config.EXTERNAL_IDP_JWKS_URL === undefined) return undefined;
  return {
    jwksUrl: config.EXTERNAL_IDP_JWKS_URL,
    issuer: config.EXTERNAL_IDP_ISSUER as string,
    audience: config.EXTERNAL_IDP_AUDIENCE as string,
    algorithms: config.EXTERNAL_IDP_ALGORITHMS.split(','),
    scopeClaim: config.EXTERNAL_IDP_SCOPE_CLAIM,
    scopeMap: parseScopeMap(config.EXTERNAL_IDP_SCOPE_MAP) ?? new Map(),
    clientIdPrefix: config.EXTERNAL_IDP_CLIENT_ID_PREFIX,
    jwksCooldownMs: config.EXTERNAL_IDP_JWKS_COOLDOWN_MS,
    jwksCacheMaxAgeMs: config.EXTERNAL_IDP_JWKS_CACHE_MAX_AGE_MS,
    jwksTimeoutMs: config.EXTERNAL_IDP_JWKS_TIMEOUT_MS,
  };
}

/** What the register-client and operators CLIs need: only the gateway's database, not the service's secrets. */
export function registerClientCliConfig(): DatabaseConfig {
  return validateConfig(DatabaseConfig, process.env);
}
