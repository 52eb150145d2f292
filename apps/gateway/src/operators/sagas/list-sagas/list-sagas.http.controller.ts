import { Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { ListSagasRequestDto, OperatorSagaPageResponseDto } from '@order-saga/contracts/http/operator';
import type { Response } from 'express';
import { OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { singleValuedQuery } from '../../../orders/list-orders/relay-input';
import { OrderServiceProxy } from '../../../upstream/upstream-proxies';
import { operatorContextOf, relayReply } from '../../../upstream/upstream-service.proxy';
import { OperatorController, OperatorRead, OperatorRequest, SignedInOperator } from '../../operator-route';

/** GET /api/v1/operator/sagas → order-service GET /sagas: every client's sagas, e.g. ?state=stuck&older_than=60. */
@OperatorController('sagas')
export class ListSagasHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  @Get()
  @OperatorRead()
  @ApiOperation({ summary: "Every client's sagas, oldest change first, filtered by state (or stuck, failed, compensating, open), step, age, client, customer" })
  @ApiQuery({ type: ListSagasRequestDto })
  @OperatorResponse(200, 'A page of sagas, oldest change first', OperatorSagaPageResponseDto)
  @OperatorErrorResponse(400, 'VALIDATION_ERROR naming the invalid parameter in details[].field')
  async list(@Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    relayReply(response, await this.orderService.listSagas(singleValuedQuery(request), operatorContextOf(request, account.username)));
  }
}
