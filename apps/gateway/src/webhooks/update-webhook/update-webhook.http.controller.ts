import { Param, Patch, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UpdateWebhookEndpointRequestDto, WebhookEndpointResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { requireJsonBody } from '../../orders/list-orders/relay-input';
import { NotificationServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, pathSegment, relayReply } from '../../upstream/upstream-service.proxy';

@ApiTags('webhooks')
@ApiV1Controller('webhooks')
export class UpdateWebhookHttpController {
  constructor(private readonly notifications: NotificationServiceProxy) {}

  @Patch(':webhookId')
  @RequireScope('write')
  @ApiBody({ type: UpdateWebhookEndpointRequestDto })
  @ApiOperation({ summary: 'Change url, event_types, description or enabled; re-enabling resumes an endpoint disabled by 410 Gone' })
  @ApiV1Response(200, 'The endpoint as changed', WebhookEndpointResponseDto)
  @ApiV1ErrorResponse(400, 'VALIDATION_ERROR')
  @ApiV1ErrorResponse(404, "NOT_FOUND, also for another client's endpoint")
  async update(@Param('webhookId') webhookId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    const changes = requireJsonBody(request);
    relayReply(
      response,
      await this.notifications.send('PATCH', `/webhook-endpoints/${pathSegment(webhookId, 'Webhook endpoint')}`, forwardedContextOf(request), {
        body: changes,
      }),
    );
  }
}
