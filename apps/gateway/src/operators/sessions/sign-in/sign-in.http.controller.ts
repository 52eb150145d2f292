import { HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { OperatorSessionResponseDto, SignInRequestDto } from '@order-saga/contracts/http/operator';
import { JsonBodyReader } from '@order-saga/shared/http';
import type { CookieOptions, Response } from 'express';
import { GatewayConfig } from '../../../config/gateway.config';
import { OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { Clock } from '../../clock';
import { OPERATOR_ROUTES_PATH, OperatorController, OperatorRequest, OperatorSignIn } from '../../operator-route';
import { readJsonBody } from '../../read-json-body';
import { OperatorSessionRepository } from '../operator-session.repository';
import { presentSession } from '../present-session';
import { OPERATOR_SESSION_COOKIE, sessionCookieOptions, sessionIdOf, setSessionCookie } from '../session-cookie';
import { SignInHandler } from './sign-in.handler';

const SET_COOKIE = {
  description: `${OPERATOR_SESSION_COOKIE}=<session id>; Path=${OPERATOR_ROUTES_PATH}; HttpOnly; SameSite=Strict (and Secure over https)`,
  required: true,
  schema: { type: 'string' },
};

/** POST /api/v1/operator/session: an operator signs in with username and password and gets a session cookie. */
@OperatorController('session')
export class SignInHttpController {
  private readonly cookieOptions: CookieOptions;

  constructor(
    private readonly handler: SignInHandler,
    private readonly sessions: OperatorSessionRepository,
    private readonly bodyReader: JsonBodyReader,
    private readonly clock: Clock,
    config: GatewayConfig,
  ) {
    this.cookieOptions = sessionCookieOptions(config);
  }

  @Post()
  @HttpCode(201)
  @OperatorSignIn()
  @ApiOperation({ summary: 'Sign in as an operator: sets the session cookie, answers the CSRF token' })
  @ApiBody({ type: SignInRequestDto })
  @OperatorResponse(
    201,
    'Signed in: the session cookie is set (HttpOnly); keep csrf_token in memory for the requests that change something',
    OperatorSessionResponseDto,
    {
      'Set-Cookie': SET_COOKIE,
    },
  )
  @OperatorErrorResponse(400, 'VALIDATION_ERROR: not JSON, or username/password missing or too long')
  async signIn(@Req() request: OperatorRequest, @Res({ passthrough: true }) response: Response): Promise<OperatorSessionResponseDto> {
    const credentials = await readJsonBody(this.bodyReader, request, SignInRequestDto);
    // Never carry a session over a sign-in (fixation): whatever session the browser had ends, a new id is issued.
    const previous = sessionIdOf(request.headers.cookie);
    if (previous !== undefined) await this.sessions.end(previous);

    const audit = request.operatorAudit ?? { action: 'sign-in', target: null, operator: null };
    const { sessionId, session, account } = await this.handler.handle(
      credentials,
      request.ip ?? request.socket.remoteAddress ?? 'unknown',
      this.clock.now(),
      audit,
    );
    setSessionCookie(response, sessionId, this.cookieOptions);
    response.setHeader('Cache-Control', 'no-store');
    return presentSession(session, account, this.sessions.lifetime);
  }
}
