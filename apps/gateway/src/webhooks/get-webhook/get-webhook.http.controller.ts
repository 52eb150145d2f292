import { Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { WebhookEndpointResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { NotificationServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, pathSegment, relayReply } from '../../upstream/upstream-service.proxy';

@ApiTags('webhooks')
@ApiV1Controller('webhooks')
export class GetWebhookHttpController {
  constructor(private readonly notifications: NotificationServiceProxy) {}

  @Get(':webhookId')
  @RequireScope('read')
  @ApiOperation({ summary: 'One webhook endpoint of the calling client' })
  @ApiV1Response(200, 'The endpoint (never its secret)', WebhookEndpointResponseDto)
  @ApiV1ErrorResponse(404, "NOT_FOUND, also for another client's endpoint")
  async get(@Param('webhookId') webhookId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.notifications.send('GET', `/webhook-endpoints/${pathSegment(webhookId, 'Webhook endpoint')}`, forwardedContextOf(request)));
  }
}
