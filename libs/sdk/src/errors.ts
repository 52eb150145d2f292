import type { ApiErrorResponseDto, ErrorDetailResponseDto } from '@order-saga/contracts/http';

/** One entry of an error's `details`, e.g. `{field: 'items[0].quantity', error: 'Must be between 1 and 999'}`. */
export type ErrorDetail = ErrorDetailResponseDto;

/** The API's error body: `{error_code, message, details?, request_id, timestamp}` (plus a few code-specific fields). */
export type ApiErrorBody = ApiErrorResponseDto;

/** The API answered with an error status; carries what support needs (error_code, request_id). */
export class OrderSagaApiError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly requestId: string | null;
  readonly details: ErrorDetail[];
  readonly body: ApiErrorBody | null;
  /** How many requests were sent before giving up (retries included). */
  readonly attempts: number;
  /** The error answer's headers (`Retry-After`, `WWW-Authenticate`, `X-RateLimit-*`…); empty when built without them. */
  readonly headers: Headers;

  constructor(status: number, body: ApiErrorBody | null, requestId: string | null, attempts: number, headers: Headers = new Headers()) {
    super(body ? `${body.error_code}: ${body.message} (request_id ${body.request_id ?? requestId})` : `HTTP ${status} (request_id ${requestId})`);
    this.name = 'OrderSagaApiError';
    this.status = status;
    this.errorCode = body?.error_code ?? (status === 401 ? 'UNAUTHORIZED' : 'INTERNAL_ERROR');
    this.requestId = body?.request_id ?? requestId;
    this.details = body?.details ?? [];
    this.body = body;
    this.attempts = attempts;
    this.headers = headers;
  }
}

/** The token endpoint refused the credentials (RFC 6749 §5.2 body). */
export class OrderSagaAuthError extends Error {
  constructor(
    readonly status: number,
    readonly oauthError: string,
    description: string | undefined,
  ) {
    super(`token request failed: ${status} ${oauthError}${description ? ` (${description})` : ''}`);
    this.name = 'OrderSagaAuthError';
  }
}

/** No response arrived (connection refused or dropped, timeout) on every attempt. */
export class OrderSagaNetworkError extends Error {
  constructor(
    readonly requestId: string,
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(`no response after ${attempts} attempt(s) (request_id ${requestId}): ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'OrderSagaNetworkError';
  }
}
