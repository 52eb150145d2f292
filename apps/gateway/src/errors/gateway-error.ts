import { DomainError, ErrorCode } from '@order-saga/shared/http';

/**
 * A DomainError that also needs response headers the spec's error body has no room for:
 * WWW-Authenticate on 401/403 (RFC 6750), Retry-After on 503 (and on 429 once rate limits land).
 */
export class GatewayError extends DomainError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly headers: Record<string, string>,
    extra: Record<string, unknown> = {},
  ) {
    super(code, message, [], extra);
    this.name = 'GatewayError';
  }
}
