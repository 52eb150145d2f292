import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JsonWebKeySetResponseDto } from '@order-saga/contracts/http';
import type { JSONWebKeySet } from 'jose';
import { EVERY_RESPONSE_HEADERS } from '../../openapi/api-responses';
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
  @ApiOkResponse({
    description: 'Every public key that may have signed a live token',
    type: JsonWebKeySetResponseDto,
    headers: { ...EVERY_RESPONSE_HEADERS, 'Cache-Control': { description: 'public, max-age=300', required: true, schema: { type: 'string' } } },
  })
  jwks(): JSONWebKeySet {
    return this.tokens.jwks;
  }
}
