import { Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { ListOperatorWebhookDeliveriesRequestDto, OperatorWebhookDeliveryPageResponseDto } from '@order-saga/contracts/http/operator';
import type { Response } from 'express';
import { OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { singleValuedQuery } from '../../../orders/list-orders/relay-input';
import { NotificationServiceProxy } from '../../../upstream/upstream-proxies';
import { operatorContextOf, relayReply } from '../../../upstream/upstream-service.proxy';
import { OperatorController, OperatorRead, OperatorRequest, SignedInOperator } from '../../operator-route';

/** GET /api/v1/operator/webhook-deliveries → notification-service GET /operator/webhook-deliveries, e.g. ?status=failed or ?order_id=…. */
@OperatorController('webhook-deliveries')
export class ListOperatorWebhookDeliveriesHttpController {
  constructor(private readonly notifications: NotificationServiceProxy) {}

  @Get()
  @OperatorRead()
  @ApiOperation({
    summary:
      "Every client's webhook deliveries with their attempts, newest first, by status, client, endpoint, event, order and time; ?order_id= alone: one order's",
  })
  @ApiQuery({ type: ListOperatorWebhookDeliveriesRequestDto })
  @OperatorResponse(200, 'A page of deliveries, newest first, each with its attempts', OperatorWebhookDeliveryPageResponseDto)
  @OperatorErrorResponse(400, 'VALIDATION_ERROR naming the invalid parameter in details[].field')
  async list(@Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    const context = operatorContextOf(request, account.username);
    relayReply(response, await this.notifications.send('GET', '/operator/webhook-deliveries', context, { query: singleValuedQuery(request) }));
  }
}
