import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';

export const OAUTH_ERROR_CODES = ['invalid_request', 'invalid_client', 'invalid_scope', 'unsupported_grant_type'] as const;
export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

/** The token endpoint's own error format (RFC 6749 §5.2), which OAuth client libraries parse. */
@ApiClosedSchema('OAuthErrorResponse', 'RFC 6749 §5.2 error response of the token endpoint')
export class OAuthErrorResponseDto {
  @ApiProperty({ enum: OAUTH_ERROR_CODES, example: 'invalid_client' })
  error: OAuthErrorCode;

  @ApiProperty({ example: 'Client authentication failed' })
  error_description: string;
}
