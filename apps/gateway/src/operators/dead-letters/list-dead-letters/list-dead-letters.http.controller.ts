import { Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { DeadLetterPageResponseDto, ListDeadLettersRequestDto } from '@order-saga/contracts/http/operator';
import type { Response } from 'express';
import { OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { singleValuedQuery } from '../../../orders/list-orders/relay-input';
import { operatorContextOf, relayReply } from '../../../upstream/upstream-service.proxy';
import { OperatorController, OperatorRead, OperatorRequest, SignedInOperator } from '../../operator-route';
import { ApiDeadLetterService } from '../dead-letter-route';
import { DeadLettersProxy } from '../dead-letters.proxy';

/** GET /api/v1/operator/dead-letters/{service} → that service's GET /dead-letters, e.g. ?status=parked&consumer=…. */
@OperatorController('dead-letters')
export class ListDeadLettersHttpController {
  constructor(private readonly deadLetters: DeadLettersProxy) {}

  @Get(':service')
  @OperatorRead()
  @ApiOperation({ summary: "A service's dead letters, newest first, each with its error, headers and payload; filtered by consumer, topic, status" })
  @ApiDeadLetterService()
  @ApiQuery({ type: ListDeadLettersRequestDto })
  @OperatorResponse(200, 'A page of dead letters, newest first', DeadLetterPageResponseDto)
  @OperatorErrorResponse(400, 'VALIDATION_ERROR naming the invalid parameter in details[].field (an unknown service: service)')
  async list(@Param('service') service: string, @Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    relayReply(response, await this.deadLetters.list(service, singleValuedQuery(request), operatorContextOf(request, account.username)));
  }
}
