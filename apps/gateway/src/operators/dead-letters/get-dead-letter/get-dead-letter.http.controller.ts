import { Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { DeadLetterResponseDto } from '@order-saga/contracts/http/operator';
import type { Response } from 'express';
import { OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { operatorContextOf, relayReply } from '../../../upstream/upstream-service.proxy';
import { OperatorController, OperatorRead, OperatorRequest, SignedInOperator } from '../../operator-route';
import { ApiDeadLetterId, ApiDeadLetterService } from '../dead-letter-route';
import { DeadLettersProxy } from '../dead-letters.proxy';

/** GET /api/v1/operator/dead-letters/{service}/{id} → that service's GET /dead-letters/{id}. */
@OperatorController('dead-letters')
export class GetDeadLetterHttpController {
  constructor(private readonly deadLetters: DeadLettersProxy) {}

  @Get(':service/:id')
  @OperatorRead()
  @ApiOperation({ summary: 'One dead letter: its error, headers, payload, whether it can be redriven, and who settled it' })
  @ApiDeadLetterService()
  @ApiDeadLetterId()
  @OperatorResponse(200, 'The dead letter', DeadLetterResponseDto)
  @OperatorErrorResponse(400, 'VALIDATION_ERROR: an unknown service')
  @OperatorErrorResponse(404, 'NOT_FOUND: no dead letter with this id in this service')
  async get(@Param('service') service: string, @Param('id') id: string, @Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    relayReply(response, await this.deadLetters.get(service, id, operatorContextOf(request, account.username)));
  }
}
