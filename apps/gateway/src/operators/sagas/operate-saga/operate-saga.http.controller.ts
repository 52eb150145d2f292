import { Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { SagaActionRequestDto, SagaActionResponseDto } from '@order-saga/contracts/http/operator';
import type { Response } from 'express';
import { IDEMPOTENT_REPLAYED, OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { requireJsonBody } from '../../../orders/list-orders/relay-input';
import { OrderServiceProxy } from '../../../upstream/upstream-proxies';
import { operatorContextOf, relayReply } from '../../../upstream/upstream-service.proxy';
import { OperatorChange, OperatorController, OperatorRequest, SignedInOperator } from '../../operator-route';

/**
 * POST /api/v1/operator/sagas/{orderId}/retry and /cancel → order-service's operator actions, with the
 * signed-in operator as x-operator-id. Both are events of the saga's state machine, idempotent by action_id.
 */
@OperatorController('sagas')
export class OperateSagaHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  @Post(':orderId/retry')
  @OperatorChange('saga.retry', 'orderId')
  @ApiOperation({ summary: "Retry the saga's current step: its command is sent again" })
  @ApiBody({ type: SagaActionRequestDto })
  @OperatorResponse(202, 'Taken: the command is on its way; the saga goes on from the reply', SagaActionResponseDto, IDEMPOTENT_REPLAYED)
  @OperatorErrorResponse(400, 'VALIDATION_ERROR: action_id not a UUID, reason missing or too long, unknown fields')
  @OperatorErrorResponse(404, 'NOT_FOUND: no saga for this order')
  @OperatorErrorResponse(409, 'SAGA_ALREADY_ENDED: nothing left to retry; CONFLICT: the action_id was taken for another action or order')
  async retry(@Param('orderId') orderId: string, @Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    await this.act(orderId, 'retry', request, response);
  }

  @Post(':orderId/cancel')
  @OperatorChange('saga.cancel', 'orderId')
  @ApiOperation({ summary: 'Cancel the saga with compensation: the charge refunded and the stock released first, where there are some' })
  @ApiBody({ type: SagaActionRequestDto })
  @OperatorResponse(202, 'Taken: cancelled at once, or compensating first (to_state says which)', SagaActionResponseDto, IDEMPOTENT_REPLAYED)
  @OperatorErrorResponse(400, 'VALIDATION_ERROR: action_id not a UUID, reason missing or too long, unknown fields')
  @OperatorErrorResponse(404, 'NOT_FOUND: no saga for this order')
  @OperatorErrorResponse(409, 'SAGA_ALREADY_ENDED: nothing left to cancel; CONFLICT: the action_id was taken for another action or order')
  async cancel(@Param('orderId') orderId: string, @Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    await this.act(orderId, 'cancel', request, response);
  }

  private async act(orderId: string, action: 'retry' | 'cancel', request: OperatorRequest, response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    relayReply(response, await this.orderService.operateSaga(orderId, action, requireJsonBody(request), operatorContextOf(request, account.username)));
  }
}
