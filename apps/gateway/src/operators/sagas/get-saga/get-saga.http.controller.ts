import { Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { OperatorSagaDetailResponseDto } from '@order-saga/contracts/http/operator';
import type { Response } from 'express';
import { OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { OrderServiceProxy } from '../../../upstream/upstream-proxies';
import { operatorContextOf, relayReply } from '../../../upstream/upstream-service.proxy';
import { OperatorController, OperatorRead, OperatorRequest, SignedInOperator } from '../../operator-route';

/** GET /api/v1/operator/sagas/{orderId} → order-service GET /sagas/{orderId}. */
@OperatorController('sagas')
export class GetSagaHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  @Get(':orderId')
  @OperatorRead()
  @ApiOperation({ summary: "One saga with its whole timeline (operator actions with who and why) and its order's Kafka messages" })
  @OperatorResponse(200, 'The saga', OperatorSagaDetailResponseDto)
  @OperatorErrorResponse(404, 'NOT_FOUND: no saga for this order')
  async get(@Param('orderId') orderId: string, @Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    relayReply(response, await this.orderService.getSaga(orderId, operatorContextOf(request, account.username)));
  }
}
