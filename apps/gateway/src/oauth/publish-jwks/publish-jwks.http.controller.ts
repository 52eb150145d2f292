import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { JSONWebKeySet } from 'jose';
import { AccessTokens } from '../access-tokens';

/** The public keys that verify the gateway's access tokens (RFC 7517), for resource servers that verify on their own. */
@ApiTags('oauth')
@Controller('.well-known')
export class PublishJwksHttpController {
  constructor(private readonly tokens: AccessTokens) {}

  @Get('jwks.json')
  // Short, so a key added in step 1 of a rotation reaches verifiers well before it signs.
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'JSON Web Key Set of the access-token signing keys (ES256)' })
  @ApiOkResponse({ description: '{"keys": [public EC P-256 JWK with kid, alg ES256, use sig]}' })
  jwks(): JSONWebKeySet {
    return this.tokens.jwks;
  }
}
