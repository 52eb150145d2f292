import { Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RotateWebhookSecretRequestDto, WebhookEndpointWithSecretResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { NotificationServiceProxy } from '../../upstream/upstream-proxies';
import { ClientJsonBody, forwardedContextOf, pathSegment, relayReply } from '../../upstream/upstream-service.proxy';

@ApiTags('webhooks')
@ApiV1Controller('webhooks')
export class RotateWebhookSecretHttpController {
  constructor(private readonly notifications: NotificationServiceProxy) {}

  @Post(':webhookId/rotate-secret')
  @RequireScope('write')
  @ApiBody({ type: RotateWebhookSecretRequestDto, required: false })
  @ApiOperation({ summary: 'Issue a new secret (shown once); the old one keeps signing alongside for grace_period_seconds (default 24 h)' })
  @ApiV1Response(200, 'The endpoint with its new secret and previous_secret_expires_at', WebhookEndpointWithSecretResponseDto)
  @ApiV1ErrorResponse(404, "NOT_FOUND, also for another client's endpoint")
  async rotate(@Param('webhookId') webhookId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    // An empty body means "default grace period"; anything sent must be JSON.
    const options = request.is('application/json') ? new ClientJsonBody(request) : '{}';
    relayReply(
      response,
      await this.notifications.send('POST', `/webhook-endpoints/${pathSegment(webhookId, 'Webhook endpoint')}/rotate-secret`, forwardedContextOf(request), {
        body: options,
      }),
    );
  }
}
