import { Get, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { OperatorSessionResponseDto } from '@order-saga/contracts/http/operator';
import type { Response } from 'express';
import { OperatorResponse } from '../../../openapi/api-responses';
import { OperatorController, OperatorRead, OperatorRequest, SignedInOperator } from '../../operator-route';
import { OperatorSessionRepository } from '../operator-session.repository';
import { presentSession } from '../present-session';

/** GET /api/v1/operator/session: who is signed in, and the CSRF token again (a reloaded page has lost it). */
@OperatorController('session')
export class GetSessionHttpController {
  constructor(private readonly sessions: OperatorSessionRepository) {}

  @Get()
  @OperatorRead()
  @ApiOperation({ summary: "The operator's session: who is signed in, the CSRF token, when the session ends" })
  @OperatorResponse(200, 'The session', OperatorSessionResponseDto)
  get(@Req() request: OperatorRequest, @Res({ passthrough: true }) response: Response): OperatorSessionResponseDto {
    const { session, account } = request.operator as SignedInOperator;
    response.setHeader('Cache-Control', 'no-store');
    return presentSession(session, account, this.sessions.lifetime);
  }
}
