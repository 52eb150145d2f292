import { Body, Controller, Header, Headers, HttpCode, Post, UseFilters } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IssueTokenHandler } from './issue-token.handler';
import { parseIssueTokenRequest, TokenRequestHeaders } from './issue-token.request.dto';
import { IssueTokenResponseDto } from './issue-token.response.dto';
import { OAuthErrorFilter } from './oauth-error.filter';

/** OAuth 2.0 token endpoint, client credentials grant only (RFC 6749 §4.4). */
@ApiTags('oauth')
@Controller('oauth')
@UseFilters(OAuthErrorFilter)
export class IssueTokenHttpController {
  constructor(private readonly handler: IssueTokenHandler) {}

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({ summary: 'Client credentials grant (RFC 6749 §4.4); authenticate with HTTP Basic or client_id/client_secret in the body' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['grant_type'],
      properties: {
        grant_type: { type: 'string', enum: ['client_credentials'] },
        client_id: { type: 'string' },
        client_secret: { type: 'string' },
        scope: { type: 'string', example: 'read write' },
      },
    },
  })
  @ApiResponse({ status: 200, description: '{access_token (RFC 9068 JWT, ES256), token_type: "Bearer", expires_in: 3600, scope}' })
  @ApiResponse({ status: 400, description: '{error: invalid_request | invalid_scope | unsupported_grant_type, error_description}' })
  @ApiResponse({ status: 401, description: '{error: invalid_client, error_description}, WWW-Authenticate: Basic' })
  issue(@Body() body: unknown, @Headers() headers: TokenRequestHeaders): Promise<IssueTokenResponseDto> {
    return this.handler.handle(parseIssueTokenRequest(body, headers));
  }
}
