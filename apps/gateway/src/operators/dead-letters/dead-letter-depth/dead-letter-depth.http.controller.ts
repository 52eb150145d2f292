import { Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { DeadLetterDepthResponseDto } from '@order-saga/contracts/http/operator';
import type { Response } from 'express';
import { OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { operatorContextOf, relayReply } from '../../../upstream/upstream-service.proxy';
import { OperatorController, OperatorRead, OperatorRequest, SignedInOperator } from '../../operator-route';
import { ApiDeadLetterService } from '../dead-letter-route';
import { DeadLettersProxy } from '../dead-letters.proxy';

/**
 * GET /api/v1/operator/dead-letters/{service}/depth → that service's GET /dead-letters/depth: the overview's
 * exact count, one query in the service. Mounted before GET /dead-letters/{service}/{id}, which would otherwise
 * take "depth" for an id.
 */
@OperatorController('dead-letters')
export class DeadLetterDepthHttpController {
  constructor(private readonly deadLetters: DeadLettersProxy) {}

  @Get(':service/depth')
  @OperatorRead()
  @ApiOperation({ summary: "How many of a service's dead letters are parked, exactly, per consumer and topic" })
  @ApiDeadLetterService()
  @OperatorResponse(200, 'The parked dead letters counted', DeadLetterDepthResponseDto)
  @OperatorErrorResponse(400, 'VALIDATION_ERROR: an unknown service')
  async depth(@Param('service') service: string, @Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    relayReply(response, await this.deadLetters.depth(service, operatorContextOf(request, account.username)));
  }
}
