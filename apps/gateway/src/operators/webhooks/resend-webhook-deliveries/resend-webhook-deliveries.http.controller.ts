import { Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { OperatorActionRequestDto, ResendFailedWebhooksRequestDto, WebhookActionResponseDto } from '@order-saga/contracts/http/operator';
import type { Response } from 'express';
import { IDEMPOTENT_REPLAYED, OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { requireJsonBody } from '../../../orders/list-orders/relay-input';
import { NotificationServiceProxy } from '../../../upstream/upstream-proxies';
import { operatorContextOf, pathSegment, relayReply } from '../../../upstream/upstream-service.proxy';
import { OperatorChange, OperatorController, OperatorRequest, SignedInOperator } from '../../operator-route';

/**
 * POST /api/v1/operator/webhook-deliveries/{deliveryId}/resend and /resend-failed → notification-service's
 * operator resends, with the signed-in operator as x-operator-id. 202: the delivery worker makes the attempts.
 */
@OperatorController('webhook-deliveries')
export class ResendWebhookDeliveriesHttpController {
  constructor(private readonly notifications: NotificationServiceProxy) {}

  // No audit target: what it acts on (an endpoint or a client, and a time) is in the body, which the gateway relays unread.
  @Post('resend-failed')
  @OperatorChange('webhook.resend-failed')
  @ApiOperation({ summary: 'Send again the failed deliveries of events since a time, of one endpoint or of every endpoint of one client (up to 1000)' })
  @ApiBody({ type: ResendFailedWebhooksRequestDto })
  @OperatorResponse(202, 'Taken: the deliveries named are queued for an attempt now', WebhookActionResponseDto, IDEMPOTENT_REPLAYED)
  @OperatorErrorResponse(
    400,
    'VALIDATION_ERROR: since missing or in the future, both or neither of endpoint_id and client_id, action_id not a UUID, reason missing',
  )
  @OperatorErrorResponse(404, 'NOT_FOUND: no such endpoint')
  @OperatorErrorResponse(409, 'CONFLICT: the endpoint is deleted or disabled, or the action_id was taken for another action or target')
  async resendFailed(@Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    const context = operatorContextOf(request, account.username);
    relayReply(response, await this.notifications.send('POST', '/operator/webhook-deliveries/resend-failed', context, { body: requireJsonBody(request) }));
  }

  @Post(':deliveryId/resend')
  @OperatorChange('webhook.resend', 'deliveryId')
  @ApiOperation({ summary: 'One more attempt of one delivery now, whatever its status: same event id and body, signed anew' })
  @ApiBody({ type: OperatorActionRequestDto })
  @OperatorResponse(202, 'Taken: the delivery is queued for an attempt now', WebhookActionResponseDto, IDEMPOTENT_REPLAYED)
  @OperatorErrorResponse(400, 'VALIDATION_ERROR: action_id not a UUID, reason missing or too long, unknown fields')
  @OperatorErrorResponse(404, 'NOT_FOUND: no such delivery')
  @OperatorErrorResponse(
    409,
    'CONFLICT: its endpoint is deleted or disabled, it is being sent right now, or the action_id was taken for another action or target',
  )
  async resend(@Param('deliveryId') deliveryId: string, @Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    const path = `/operator/webhook-deliveries/${pathSegment(deliveryId, 'Webhook delivery')}/resend`;
    relayReply(response, await this.notifications.send('POST', path, operatorContextOf(request, account.username), { body: requireJsonBody(request) }));
  }
}
