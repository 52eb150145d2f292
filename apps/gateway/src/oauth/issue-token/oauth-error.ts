/** The token endpoint's error codes (RFC 6749 §5.2) that the client credentials grant can produce. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_scope' | 'unsupported_grant_type';

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
