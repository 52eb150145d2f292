import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * The form body of POST /oauth/token (RFC 6749 §4.4). Described here, not validated with class-validator:
 * the gateway reads it in RFC 6749 §5.2's order (request, grant type, client authentication) and answers in
 * the OAuth error format, which a validation pipe cannot do (apps/gateway parseIssueTokenRequest).
 */
export class TokenRequestDto {
  @ApiProperty({ enum: ['client_credentials'] })
  grant_type: 'client_credentials';

  @ApiPropertyOptional({ description: 'Unless the client authenticates with HTTP Basic' })
  client_id?: string;

  @ApiPropertyOptional({ description: 'Unless the client authenticates with HTTP Basic' })
  client_secret?: string;

  @ApiPropertyOptional({ description: 'Space-separated; absent means all of the client’s scopes', example: 'read write' })
  scope?: string;
}
