import { Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RegisterWebhookEndpointRequestDto, WebhookEndpointWithSecretResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { requireJsonBody } from '../../orders/list-orders/relay-input';
import { NotificationServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';

/**
 * Registers a webhook endpoint for the calling client. notification-service generates the signing secret
 * and returns it in this response only; it validates the URL against its network policy (SSRF guard).
 */
@ApiTags('webhooks')
@ApiV1Controller('webhooks')
export class RegisterWebhookHttpController {
  constructor(private readonly notifications: NotificationServiceProxy) {}

  @Post()
  @RequireScope('write')
  @ApiBody({ type: RegisterWebhookEndpointRequestDto })
  @ApiOperation({ summary: 'Register a webhook endpoint: { url, event_types[], description?, enabled? }; the secret is shown once' })
  @ApiV1Response(201, 'The endpoint, with its signing secret (whsec_…)', WebhookEndpointWithSecretResponseDto)
  @ApiV1ErrorResponse(400, 'VALIDATION_ERROR, including a URL the network policy refuses')
  async register(@Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    const endpoint = requireJsonBody(request);
    relayReply(response, await this.notifications.send('POST', '/webhook-endpoints', forwardedContextOf(request), { body: endpoint }));
  }
}
