import { Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { ListOperatorWebhookEndpointsRequestDto, OperatorWebhookEndpointPageResponseDto } from '@order-saga/contracts/http/operator';
import type { Response } from 'express';
import { OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { singleValuedQuery } from '../../../orders/list-orders/relay-input';
import { NotificationServiceProxy } from '../../../upstream/upstream-proxies';
import { operatorContextOf, relayReply } from '../../../upstream/upstream-service.proxy';
import { OperatorController, OperatorRead, OperatorRequest, SignedInOperator } from '../../operator-route';

/** GET /api/v1/operator/webhook-endpoints → notification-service GET /operator/webhook-endpoints. */
@OperatorController('webhook-endpoints')
export class ListOperatorWebhookEndpointsHttpController {
  constructor(private readonly notifications: NotificationServiceProxy) {}

  @Get()
  @OperatorRead()
  @ApiOperation({ summary: "Every client's live webhook endpoints, oldest first, by client and enabled; never a secret" })
  @ApiQuery({ type: ListOperatorWebhookEndpointsRequestDto })
  @OperatorResponse(200, 'A page of webhook endpoints, oldest first', OperatorWebhookEndpointPageResponseDto)
  @OperatorErrorResponse(400, 'VALIDATION_ERROR naming the invalid parameter in details[].field')
  async list(@Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    const context = operatorContextOf(request, account.username);
    relayReply(response, await this.notifications.send('GET', '/operator/webhook-endpoints', context, { query: singleValuedQuery(request) }));
  }
}
