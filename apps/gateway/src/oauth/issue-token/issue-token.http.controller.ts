import { Body, Controller, Header, Headers, HttpCode, Post, UseFilters } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiErrorResponseDto, OAuthErrorResponseDto, TokenRequestDto, TokenResponseDto } from '@order-saga/contracts/http';
import { GatewayErrorFilter } from '../../errors/gateway-error.filter';
import { EVERY_RESPONSE_HEADERS } from '../../openapi/api-responses';
import { IssueTokenHandler } from './issue-token.handler';
import { parseIssueTokenRequest, TokenRequestHeaders } from './issue-token.request.dto';
import { OAuthErrorFilter } from './oauth-error.filter';

const noStore = (required: boolean) => ({
  'Cache-Control': {
    description: 'no-store: tokens and their errors are never cached (RFC 6749 §5.1)',
    required,
    schema: { type: 'string', enum: ['no-store'] },
  },
  Pragma: { description: 'no-cache, for HTTP/1.0 caches', required, schema: { type: 'string', enum: ['no-cache'] } },
});

/** OAuth 2.0 token endpoint, client credentials grant only (RFC 6749 §4.4). */
@ApiTags('oauth')
@ApiExtraModels(OAuthErrorResponseDto, ApiErrorResponseDto)
@Controller('oauth')
@UseFilters(OAuthErrorFilter, GatewayErrorFilter)
export class IssueTokenHttpController {
  constructor(private readonly handler: IssueTokenHandler) {}

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({ summary: 'Client credentials grant (RFC 6749 §4.4); authenticate with HTTP Basic or client_id/client_secret in the body' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: TokenRequestDto })
  @ApiResponse({
    status: 200,
    description: 'The access token (RFC 9068 JWT, ES256), valid for expires_in seconds',
    type: TokenResponseDto,
    headers: { ...EVERY_RESPONSE_HEADERS, ...noStore(true) },
  })
  @ApiResponse({
    status: 400,
    description:
      'invalid_request | invalid_scope | unsupported_grant_type in the OAuth format; a body the form parser cannot read (too large, bad charset) is answered before OAuth sees it, in the API error format (VALIDATION_ERROR)',
    schema: { oneOf: [{ $ref: getSchemaPath(OAuthErrorResponseDto) }, { $ref: getSchemaPath(ApiErrorResponseDto) }] },
    headers: { ...EVERY_RESPONSE_HEADERS, ...noStore(false) },
  })
  @ApiResponse({
    status: 401,
    description: 'invalid_client: unknown client or wrong secret',
    type: OAuthErrorResponseDto,
    headers: {
      ...EVERY_RESPONSE_HEADERS,
      ...noStore(true),
      'WWW-Authenticate': { description: 'Basic realm=…: the scheme to authenticate with', required: true, schema: { type: 'string' } },
    },
  })
  @ApiResponse({
    status: 503,
    description:
      'SERVICE_UNAVAILABLE in the API error format: too many token requests at once on this gateway replica (OAUTH_SECRET_CHECKS_RUNNING and _WAITING); retry after Retry-After',
    type: ApiErrorResponseDto,
    headers: {
      ...EVERY_RESPONSE_HEADERS,
      'Retry-After': { description: 'Seconds to wait before retrying', required: true, schema: { type: 'integer', minimum: 0 } },
    },
  })
  @ApiResponse({ status: 500, description: 'INTERNAL_ERROR in the API error format', type: ApiErrorResponseDto, headers: EVERY_RESPONSE_HEADERS })
  issue(@Body() body: unknown, @Headers() headers: TokenRequestHeaders): Promise<TokenResponseDto> {
    return this.handler.handle(parseIssueTokenRequest(body, headers));
  }
}
