import { Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { OperatorActionRequestDto, WebhookActionResponseDto } from '@order-saga/contracts/http/operator';
import type { Response } from 'express';
import { IDEMPOTENT_REPLAYED, OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { requireJsonBody } from '../../../orders/list-orders/relay-input';
import { NotificationServiceProxy } from '../../../upstream/upstream-proxies';
import { operatorContextOf, pathSegment, relayReply } from '../../../upstream/upstream-service.proxy';
import { OperatorChange, OperatorController, OperatorRequest, SignedInOperator } from '../../operator-route';

/** POST /api/v1/operator/webhook-endpoints/{endpointId}/test-event → notification-service's, as the signed-in operator. */
@OperatorController('webhook-endpoints')
export class SendTestEventHttpController {
  constructor(private readonly notifications: NotificationServiceProxy) {}

  @Post(':endpointId/test-event')
  @OperatorChange('webhook.test-event', 'endpointId')
  @ApiOperation({ summary: 'Send a signed webhook.test event to one endpoint of any client, once; read its attempt on the delivery the answer names' })
  @ApiBody({ type: OperatorActionRequestDto })
  @OperatorResponse(202, 'Taken: the test event is queued as a delivery of its own', WebhookActionResponseDto, IDEMPOTENT_REPLAYED)
  @OperatorErrorResponse(400, 'VALIDATION_ERROR: action_id not a UUID, reason missing or too long, unknown fields')
  @OperatorErrorResponse(404, 'NOT_FOUND: no such endpoint')
  @OperatorErrorResponse(409, 'CONFLICT: the endpoint is deleted or disabled, or the action_id was taken for another action or target')
  async send(@Param('endpointId') endpointId: string, @Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    const path = `/operator/webhook-endpoints/${pathSegment(endpointId, 'Webhook endpoint')}/test-event`;
    relayReply(response, await this.notifications.send('POST', path, operatorContextOf(request, account.username), { body: requireJsonBody(request) }));
  }
}
