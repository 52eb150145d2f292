import { Body, Controller, Header, Headers, HttpCode, Post, UseFilters } from '@nestjs/common';
import { IssueTokenHandler } from './issue-token.handler';
import { parseIssueTokenRequest, TokenRequestHeaders } from './issue-token.request.dto';
import { IssueTokenResponseDto } from './issue-token.response.dto';
import { OAuthErrorFilter } from './oauth-error.filter';

/** OAuth 2.0 token endpoint, client credentials grant only (RFC 6749 §4.4). */
@Controller('oauth')
@UseFilters(OAuthErrorFilter)
export class IssueTokenHttpController {
  constructor(private readonly handler: IssueTokenHandler) {}

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  issue(@Body() body: unknown, @Headers() headers: TokenRequestHeaders): Promise<IssueTokenResponseDto> {
    return this.handler.handle(parseIssueTokenRequest(body, headers));
  }
}
