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
  'RATE_LIMIT_EXCEEDED',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
