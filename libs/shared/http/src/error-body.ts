import { ErrorCode, ErrorDetail } from './domain-error';

/** The spec's error format, used by every service for every error. */
export interface ErrorBody {
  error_code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
  request_id: string;
  timestamp: string;
  [extra: string]: unknown;
}

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 400,
  INVALID_CUSTOMER: 400,
  UNAUTHORIZED: 401,
  PAYMENT_FAILED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  DUPLICATE_ORDER: 409,
  INSUFFICIENT_INVENTORY: 409,
  RATE_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  // 409 like CONFLICT, which answered these before: the order is cancelled for good, so a retry cannot help.
  INVENTORY_TIMEOUT: 409,
  PAYMENT_TIMEOUT: 409,
  // The order is cancelled for good, like the timeouts.
  CANCELLED_BY_OPERATOR: 409,
  // The action does not fit the saga's state; the operator reads the saga again.
  SAGA_ALREADY_ENDED: 409,
  // The operator API's sign-in and session: 401 like UNAUTHORIZED, a code of their own so the console can tell
  // "wrong password" from "sign in again"; a missing CSRF token is 403 like FORBIDDEN.
  INVALID_CREDENTIALS: 401,
  OPERATOR_SESSION_REQUIRED: 401,
  CSRF_TOKEN_INVALID: 403,
};

export function errorBody(
  code: ErrorCode,
  message: string,
  requestId: string,
  details: ErrorDetail[] = [],
  extra: Record<string, unknown> = {},
  now: Date = new Date(),
): ErrorBody {
  return {
    error_code: code,
    message,
    ...(details.length ? { details } : {}),
    ...extra,
    request_id: requestId,
    timestamp: now.toISOString(),
  };
}
