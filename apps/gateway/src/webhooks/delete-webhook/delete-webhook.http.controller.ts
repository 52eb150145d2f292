import { Delete, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { NotificationServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, pathSegment, relayReply } from '../../upstream/upstream-service.proxy';

@ApiTags('webhooks')
@ApiV1Controller('webhooks')
export class DeleteWebhookHttpController {
  constructor(private readonly notifications: NotificationServiceProxy) {}

  @Delete(':webhookId')
  @RequireScope('write')
  @ApiOperation({ summary: 'Delete an endpoint; its pending deliveries are cancelled' })
  @ApiV1Response(204, 'Deleted; no body')
  @ApiV1ErrorResponse(404, "NOT_FOUND, also for another client's endpoint")
  async delete(@Param('webhookId') webhookId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(
      response,
      await this.notifications.send('DELETE', `/webhook-endpoints/${pathSegment(webhookId, 'Webhook endpoint')}`, forwardedContextOf(request)),
    );
  }
}
