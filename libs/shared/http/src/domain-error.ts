import type { ErrorCode } from '@order-saga/contracts';

// The codes are part of the public contract (libs/contracts/src/http/errors); re-exported for the services' errors.
export { ERROR_CODES, type ErrorCode } from '@order-saga/contracts';

export interface ErrorDetail {
  field: string;
  error: string;
}

/**
 * A failure the domain names. It carries a stable code and no HTTP status: the edge's exception
 * filter maps codes to statuses, so handlers stay transport-agnostic.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Extra top-level fields for the error body, e.g. `order_id` of a failed order. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
