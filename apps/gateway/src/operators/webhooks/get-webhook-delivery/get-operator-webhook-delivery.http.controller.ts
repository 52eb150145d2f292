import { Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { OperatorWebhookDeliveryResponseDto } from '@order-saga/contracts/http/operator';
import type { Response } from 'express';
import { OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { NotificationServiceProxy } from '../../../upstream/upstream-proxies';
import { operatorContextOf, pathSegment, relayReply } from '../../../upstream/upstream-service.proxy';
import { OperatorController, OperatorRead, OperatorRequest, SignedInOperator } from '../../operator-route';

/** GET /api/v1/operator/webhook-deliveries/{deliveryId} → notification-service GET /operator/webhook-deliveries/{deliveryId}. */
@OperatorController('webhook-deliveries')
export class GetOperatorWebhookDeliveryHttpController {
  constructor(private readonly notifications: NotificationServiceProxy) {}

  @Get(':deliveryId')
  @OperatorRead()
  @ApiOperation({ summary: 'One webhook delivery of any client with all its attempts, e.g. to read the attempt a resend or test event made' })
  @OperatorResponse(200, 'The delivery with all its attempts', OperatorWebhookDeliveryResponseDto)
  @OperatorErrorResponse(404, 'NOT_FOUND: no such delivery')
  async get(@Param('deliveryId') deliveryId: string, @Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    const path = `/operator/webhook-deliveries/${pathSegment(deliveryId, 'Webhook delivery')}`;
    relayReply(response, await this.notifications.send('GET', path, operatorContextOf(request, account.username)));
  }
}
