import type { OAuthErrorCode } from '@order-saga/contracts/http';

const STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_scope: 400,
  unsupported_grant_type: 400,
};

/**
 * The token endpoint speaks OAuth, not the API's error format: OAuth client libraries parse
 * `{error, error_description}` and would not understand `error_code`.
 */
export class OAuthError extends Error {
  readonly status: number;

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
    this.status = STATUS[error];
  }
}
