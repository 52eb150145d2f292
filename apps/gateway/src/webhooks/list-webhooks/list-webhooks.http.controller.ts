import { Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { WebhookEndpointListResponseDto } from '@order-saga/contracts/http';
import { ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { NotificationServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';

@ApiTags('webhooks')
@ApiV1Controller('webhooks')
export class ListWebhooksHttpController {
  constructor(private readonly notifications: NotificationServiceProxy) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: "The calling client's webhook endpoints (never their secrets)" })
  @ApiV1Response(200, 'Every endpoint of the client, without secrets', WebhookEndpointListResponseDto)
  async list(@Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.notifications.send('GET', '/webhook-endpoints', forwardedContextOf(request)));
  }
}
