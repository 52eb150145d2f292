/** The error codes of the integration spec. Clients branch on these; they never change meaning. */
export const ERROR_CODES = [
  'VALIDATION_ERROR',
  'INVALID_CUSTOMER',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'DUPLICATE_ORDER',
  'INSUFFICIENT_INVENTORY',
  'PAYMENT_FAILED',
  // Not in the seed's list: the order was cancelled because a participant did not answer within its deadline.
  'INVENTORY_TIMEOUT',
  'PAYMENT_TIMEOUT',
  // Not in the seed's list: an operator cancelled the order (the operator console's cancel).
  'CANCELLED_BY_OPERATOR',
  // Not in the seed's list: an operator action on a saga that already ended (nothing to retry or cancel).
  'SAGA_ALREADY_ENDED',
  // Not in the seed's list, operator API only: a sign-in refused (unknown username, wrong password or a disabled
  // account, never saying which).
  'INVALID_CREDENTIALS',
  // Not in the seed's list, operator API only: no operator session (none, expired, signed out, account disabled).
  'OPERATOR_SESSION_REQUIRED',
  // Not in the seed's list, operator API only: a state-changing request without its session's X-CSRF-Token.
  'CSRF_TOKEN_INVALID',
  'RATE_LIMIT_EXCEEDED',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
