import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';

/** RFC 6749 §5.1 successful token response. */
@ApiClosedSchema('TokenResponse', 'RFC 6749 §5.1 token response')
export class TokenResponseDto {
  @ApiProperty({ description: 'RFC 9068 JWT (typ at+jwt) signed ES256; the kid names the key in /.well-known/jwks.json' })
  access_token: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  token_type: 'Bearer';

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Seconds until the token expires', example: 3600 })
  expires_in: number;

  /** Always present, even when it equals what was asked, so clients need not guess what they got. */
  @ApiProperty({ description: 'The granted scopes, space-separated', example: 'read write' })
  scope: string;
}
