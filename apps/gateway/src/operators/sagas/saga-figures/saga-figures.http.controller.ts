import { Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { FiguresRequestDto, SagaFiguresResponseDto } from '@order-saga/contracts/http/operator';
import type { Response } from 'express';
import { OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { singleValuedQuery } from '../../../orders/list-orders/relay-input';
import { OrderServiceProxy } from '../../../upstream/upstream-proxies';
import { operatorContextOf, relayReply } from '../../../upstream/upstream-service.proxy';
import { OperatorController, OperatorRead, OperatorRequest, SignedInOperator } from '../../operator-route';

/**
 * GET /api/v1/operator/sagas/figures → order-service GET /sagas/figures: the console overview's figures. Mounted
 * before GET /sagas/{orderId}, which would otherwise take "figures" for an order id.
 */
@OperatorController('sagas')
export class SagaFiguresHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  @Get('figures')
  @OperatorRead()
  @ApiOperation({ summary: 'Sagas per outcome per minute, in flight, stuck, and saga duration p50/p99 over the last minutes (default 60)' })
  @ApiQuery({ type: FiguresRequestDto })
  @OperatorResponse(200, 'The figures, every minute of the window oldest first', SagaFiguresResponseDto)
  @OperatorErrorResponse(400, 'VALIDATION_ERROR: minutes not a whole number from 1 to 1440, or an unknown parameter')
  async read(@Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    relayReply(response, await this.orderService.sagaFigures(singleValuedQuery(request), operatorContextOf(request, account.username)));
  }
}
