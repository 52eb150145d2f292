import { IsInt, IsNotEmpty, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { BaseServiceConfig, validateConfig } from '@order-saga/shared/config';

const HTTP_URL: Parameters<typeof IsUrl>[0] = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class GatewayConfig extends BaseServiceConfig {
  // Fields carry explicit types: the decorator metadata that turns env strings into numbers comes from
  // the annotation only; `X = 15_000` alone is reflected as Object, and '15000' then fails @IsInt.
  override PORT: number = 3000;

  /** HS256 key of the access tokens. 32 characters is the floor for a 256-bit HMAC key (RFC 7518 §3.2). */
  @IsString()
  @MinLength(32)
  JWT_SECRET: string;

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

  /** The origin clients reach the gateway at; for links the gateway itself builds (none yet, OpenAPI page next). */
  @IsUrl(HTTP_URL)
  PUBLIC_BASE_URL: string = 'http://localhost:3000';
}

/** What the register-client CLI needs: only the gateway's database, not the service's secrets. */
export class RegisterClientCliConfig {
  @Matches(/^postgres(ql)?:\/\/.+\/[^/]+$/, { message: 'DATABASE_URL must be a postgres:// URL naming a database' })
  DATABASE_URL: string;
}

export function registerClientCliConfig(): RegisterClientCliConfig {
  return validateConfig(RegisterClientCliConfig, process.env);
}
