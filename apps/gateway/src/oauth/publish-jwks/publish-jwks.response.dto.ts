import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../../openapi/closed-schema';

/** The public half of a signing key, as signing-keys.ts publishes it: nothing but what a verifier needs. */
@ApiClosedSchema('PublicJsonWebKey', 'RFC 7517 public EC P-256 key')
class PublicJsonWebKeyResponseDto {
  @ApiProperty({ enum: ['EC'] })
  kty: string;

  @ApiProperty({ enum: ['P-256'] })
  crv: string;

  @ApiProperty({ description: 'base64url x coordinate' })
  x: string;

  @ApiProperty({ description: 'base64url y coordinate' })
  y: string;

  @ApiProperty({ description: 'The kid in access tokens signed with this key' })
  kid: string;

  @ApiProperty({ enum: ['ES256'] })
  alg: string;

  @ApiProperty({ enum: ['sig'] })
  use: string;
}

@ApiClosedSchema('JsonWebKeySet', 'RFC 7517 key set: every key that may have signed a live token')
export class PublishJwksResponseDto {
  @ApiProperty({ type: [PublicJsonWebKeyResponseDto], minItems: 1 })
  keys: PublicJsonWebKeyResponseDto[];
}
