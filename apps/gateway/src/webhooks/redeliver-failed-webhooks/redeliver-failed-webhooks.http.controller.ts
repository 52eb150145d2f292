import { Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RedeliverFailedRequestDto, WebhookRedeliveryQueuedResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { requireJsonBody } from '../../orders/list-orders/relay-input';
import { NotificationServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, pathSegment, relayReply } from '../../upstream/upstream-service.proxy';

@ApiTags('webhooks')
@ApiV1Controller('webhooks')
export class RedeliverFailedWebhooksHttpController {
  constructor(private readonly notifications: NotificationServiceProxy) {}

  @Post(':webhookId/redeliver-failed')
  @RequireScope('write')
  @ApiBody({ type: RedeliverFailedRequestDto })
  @ApiOperation({ summary: 'Queue every failed delivery of events since { since } again (bulk recovery after an outage)' })
  @ApiV1Response(202, 'Queued: how many failed deliveries are due again', WebhookRedeliveryQueuedResponseDto)
  @ApiV1ErrorResponse(404, "NOT_FOUND, also for another client's endpoint")
  @ApiV1ErrorResponse(409, 'CONFLICT: the endpoint is disabled')
  async redeliver(@Param('webhookId') webhookId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    const body = requireJsonBody(request);
    const path = `/webhook-endpoints/${pathSegment(webhookId, 'Webhook endpoint')}/redeliver-failed`;
    relayReply(response, await this.notifications.send('POST', path, forwardedContextOf(request), { body }));
  }
}
