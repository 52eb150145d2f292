import { IsIn, IsInt, IsOptional, Max, Min, ValidateBy, ValidationArguments } from 'class-validator';
import { KafkaServiceConfig } from '@order-saga/shared/config';
import { NetworkPolicyOptions, parseCidrList } from '../domain/network-policy';
import { parseRetrySchedule } from '../domain/retry-schedule';

export const DEPLOY_ENVS = ['development', 'test', 'sandbox', 'staging', 'production'] as const;
export type DeployEnv = (typeof DEPLOY_ENVS)[number];
/** Where webhook receivers legitimately run on loopback or a private network. */
const LOCAL_ENVS: readonly DeployEnv[] = ['development', 'test'];
const DAY_MS = 24 * 60 * 60_000;

// Numeric fields carry explicit `: number`: implicit conversion of env strings reads the annotation's
// design:type metadata, and an unannotated field would reject WEBHOOK_TIMEOUT_MS="5000" as not an integer.
export class NotificationServiceConfig extends KafkaServiceConfig {
  override PORT: number = 3004;

  /** Local development unless said otherwise; sandbox, staging and production refuse private addresses. */
  @IsIn(DEPLOY_ENVS)
  DEPLOY_ENV: DeployEnv = 'development';

  /**
   * `true`/`false`; unset means allowed in development and test only. Setting `false` locally gives the
   * production guard on a laptop; `true` outside development/test stops the boot.
   */
  @IsOptional()
  @IsIn(['true', 'false'])
  @ValidateBy({
    name: 'onlyLocally',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => value !== 'true' || isLocal(args),
      defaultMessage: () => 'WEBHOOK_ALLOW_PRIVATE_NETWORKS=true is only allowed with DEPLOY_ENV development or test',
    },
  })
  WEBHOOK_ALLOW_PRIVATE_NETWORKS?: 'true' | 'false';

  /** Comma-separated addresses/CIDRs reachable even when private networks are refused; development and test only. */
  @ValidateBy({
    name: 'isCidrAllowList',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => typeof value === 'string' && parsesAsCidrs(value) && (value.trim() === '' || isLocal(args)),
      defaultMessage: () =>
        'WEBHOOK_ALLOWED_PRIVATE_CIDRS must be comma-separated IP addresses or CIDRs, and is only allowed with DEPLOY_ENV development or test',
    },
  })
  WEBHOOK_ALLOWED_PRIVATE_CIDRS: string = '';

  /** The spec's success criterion is a 2xx within 30 seconds; a slower answer counts as a failed attempt. */
  @IsInt()
  @Min(100)
  @Max(300_000)
  WEBHOOK_TIMEOUT_MS: number = 30_000;

  /** Delay in seconds before each attempt; the spec's 5 attempts: immediately, 1 min, 5 min, 30 min, 2 h. */
  @ValidateBy({
    name: 'isRetrySchedule',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parses(value),
      defaultMessage: () => 'WEBHOOK_RETRY_SCHEDULE_SECONDS must be 1 to 20 comma-separated whole seconds, e.g. 0,60,300,1800,7200',
    },
  })
  WEBHOOK_RETRY_SCHEDULE_SECONDS: string = '0,60,300,1800,7200';

  /** How long a rotated-out secret keeps signing next to the new one, unless the rotation request says otherwise. */
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600)
  WEBHOOK_ROTATION_GRACE_SECONDS: number = 24 * 3600;

  /** How often each replica looks for due deliveries: retries as they fall due, and what other replicas scheduled (this one's own wake it at once). */
  @IsInt()
  @Min(50)
  DELIVERY_POLL_INTERVAL_MS: number = 1000;

  /** Most webhook POSTs in flight at once in this process. */
  @IsInt()
  @Min(1)
  @Max(256)
  DELIVERY_CONCURRENCY: number = 32;

  /**
   * Most POSTs in flight to one endpoint across all replicas: a dead endpoint holds at most this many
   * slots while it times out, the rest stay free for everyone else.
   */
  @IsInt()
  @Min(1)
  @Max(64)
  WEBHOOK_ENDPOINT_CONCURRENCY: number = 2;

  /**
   * Time beyond the HTTP timeout for recording an attempt before its lease may be taken over. A replica
   * that died mid-send holds its deliveries this much longer than the timeout, never less.
   */
  @IsInt()
  @Min(1000)
  @Max(600_000)
  DELIVERY_LEASE_MARGIN_MS: number = 30_000;

  /**
   * How long a settled delivery (succeeded, failed or cancelled) and its attempts are kept, counted from the
   * delivery's creation; pending ones are kept however old. At least a day: the console's figures read up to
   * the last 24 hours of deliveries.
   */
  @IsInt()
  @Min(DAY_MS)
  WEBHOOK_DELIVERY_RETENTION_MS: number = 30 * DAY_MS;

  /** How often each replica deletes the deliveries past WEBHOOK_DELIVERY_RETENTION_MS. */
  @IsInt()
  @Min(1000)
  WEBHOOK_DELIVERY_RETENTION_INTERVAL_MS: number = 5 * 60_000;

  /** Deliveries per DELETE statement of the sweep, so none holds locks or writes WAL for long. */
  @IsInt()
  @Min(1)
  @Max(100_000)
  WEBHOOK_DELIVERY_RETENTION_CHUNK: number = 1000;

  get networkPolicy(): NetworkPolicyOptions {
    const local = LOCAL_ENVS.includes(this.DEPLOY_ENV);
    return {
      allowPrivateNetworks: this.WEBHOOK_ALLOW_PRIVATE_NETWORKS === undefined ? local : this.WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true',
      allowedCidrs: parseCidrList(this.WEBHOOK_ALLOWED_PRIVATE_CIDRS),
      requireHttps: this.DEPLOY_ENV === 'production',
    };
  }
}

function isLocal(args: ValidationArguments | undefined): boolean {
  const env = (args?.object as { DEPLOY_ENV?: DeployEnv } | undefined)?.DEPLOY_ENV ?? 'development';
  return LOCAL_ENVS.includes(env);
}

function parses(text: string): boolean {
  try {
    parseRetrySchedule(text);
    return true;
  } catch {
    return false;
  }
}

function parsesAsCidrs(text: string): boolean {
  try {
    parseCidrList(text);
    return true;
  } catch {
    return false;
  }
}
