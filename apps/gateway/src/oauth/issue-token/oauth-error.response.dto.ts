import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../../openapi/closed-schema';

/** The token endpoint's own error format (RFC 6749 §5.2), which OAuth client libraries parse. */
@ApiClosedSchema('OAuthErrorResponse', 'RFC 6749 §5.2 error response of the token endpoint')
export class OAuthErrorResponseDto {
  @ApiProperty({ enum: ['invalid_request', 'invalid_client', 'invalid_scope', 'unsupported_grant_type'], example: 'invalid_client' })
  error: string;

  @ApiProperty({ example: 'Client authentication failed' })
  error_description: string;
}
