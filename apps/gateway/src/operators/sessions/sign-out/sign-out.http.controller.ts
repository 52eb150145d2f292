import { Delete, HttpCode, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { CookieOptions, Response } from 'express';
import { GatewayConfig } from '../../../config/gateway.config';
import { OperatorResponse } from '../../../openapi/api-responses';
import { OperatorChange, OperatorController, OperatorRequest, SignedInOperator } from '../../operator-route';
import { OperatorSessionRepository } from '../operator-session.repository';
import { clearSessionCookie, sessionCookieOptions } from '../session-cookie';

/** DELETE /api/v1/operator/session: signs out; the session is gone from Redis, so the cookie is worthless even if kept. */
@OperatorController('session')
export class SignOutHttpController {
  private readonly cookieOptions: CookieOptions;

  constructor(
    private readonly sessions: OperatorSessionRepository,
    config: GatewayConfig,
  ) {
    this.cookieOptions = sessionCookieOptions(config);
  }

  @Delete()
  @HttpCode(204)
  @OperatorChange('sign-out')
  @ApiOperation({ summary: 'Sign out: ends the session and clears its cookie' })
  @OperatorResponse(204, 'Signed out')
  async signOut(@Req() request: OperatorRequest, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.sessions.end((request.operator as SignedInOperator).sessionId);
    clearSessionCookie(response, this.cookieOptions);
  }
}
