import { Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { WebhookRetryQueuedResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { NotificationServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, pathSegment, relayReply } from '../../upstream/upstream-service.proxy';

@ApiTags('webhooks')
@ApiV1Controller('webhooks')
export class RetryWebhookDeliveryHttpController {
  constructor(private readonly notifications: NotificationServiceProxy) {}

  @Post(':webhookId/deliveries/:deliveryId/retry')
  @RequireScope('write')
  @ApiOperation({ summary: 'Send one delivery again now (manual retry), same event id and body' })
  @ApiV1Response(202, 'Queued: the delivery is due now', WebhookRetryQueuedResponseDto)
  @ApiV1ErrorResponse(404, "NOT_FOUND: no such endpoint or delivery, or another client's")
  @ApiV1ErrorResponse(409, 'CONFLICT: the endpoint is disabled or the delivery is being sent')
  async retry(
    @Param('webhookId') webhookId: string,
    @Param('deliveryId') deliveryId: string,
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
  ): Promise<void> {
    const path = `/webhook-endpoints/${pathSegment(webhookId, 'Webhook endpoint')}/deliveries/${pathSegment(deliveryId, 'Webhook delivery')}/retry`;
    relayReply(response, await this.notifications.send('POST', path, forwardedContextOf(request)));
  }
}
