import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';

/** The public half of a signing key: nothing but what a verifier needs. */
@ApiClosedSchema('PublicJsonWebKey', 'RFC 7517 public EC P-256 key')
export class PublicJsonWebKeyResponseDto {
  @ApiProperty({ enum: ['EC'] })
  kty: 'EC';

  @ApiProperty({ enum: ['P-256'] })
  crv: 'P-256';

  @ApiProperty({ description: 'base64url x coordinate' })
  x: string;

  @ApiProperty({ description: 'base64url y coordinate' })
  y: string;

  @ApiProperty({ description: 'The kid in access tokens signed with this key' })
  kid: string;

  @ApiProperty({ enum: ['ES256'] })
  alg: 'ES256';

  @ApiProperty({ enum: ['sig'] })
  use: 'sig';
}

@ApiClosedSchema('JsonWebKeySet', 'RFC 7517 key set: every key that may have signed a live token')
export class JsonWebKeySetResponseDto {
  @ApiProperty({ type: [PublicJsonWebKeyResponseDto], minItems: 1 })
  keys: PublicJsonWebKeyResponseDto[];
}
