import { Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { EndpointDeliveriesRequestDto, WebhookDeliveryListResponseDto, WebhookDeliveryResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { singleValuedQuery } from '../../orders/list-orders/relay-input';
import { NotificationServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, pathSegment, relayReply } from '../../upstream/upstream-service.proxy';

/** The delivery log: each delivery with its attempts (status code, duration, a bounded response excerpt). */
@ApiTags('webhooks')
@ApiV1Controller('webhooks')
export class WebhookDeliveriesHttpController {
  constructor(private readonly notifications: NotificationServiceProxy) {}

  @Get(':webhookId/deliveries')
  @RequireScope('read')
  @ApiQuery({ type: EndpointDeliveriesRequestDto })
  @ApiOperation({ summary: 'Deliveries of an endpoint, newest first; filters: status, since (ISO 8601), limit (1-100)' })
  @ApiV1Response(200, 'The deliveries, newest first, each with its attempts', WebhookDeliveryListResponseDto)
  @ApiV1ErrorResponse(404, "NOT_FOUND, also for another client's endpoint")
  async list(@Param('webhookId') webhookId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    const path = `/webhook-endpoints/${pathSegment(webhookId, 'Webhook endpoint')}/deliveries`;
    relayReply(response, await this.notifications.send('GET', path, forwardedContextOf(request), { query: singleValuedQuery(request) }));
  }

  @Get(':webhookId/deliveries/:deliveryId')
  @RequireScope('read')
  @ApiOperation({ summary: 'One delivery with all its attempts' })
  @ApiV1Response(200, 'The delivery with all its attempts', WebhookDeliveryResponseDto)
  @ApiV1ErrorResponse(404, "NOT_FOUND: no such endpoint or delivery, or another client's")
  async get(
    @Param('webhookId') webhookId: string,
    @Param('deliveryId') deliveryId: string,
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
  ): Promise<void> {
    const path = `/webhook-endpoints/${pathSegment(webhookId, 'Webhook endpoint')}/deliveries/${pathSegment(deliveryId, 'Webhook delivery')}`;
    relayReply(response, await this.notifications.send('GET', path, forwardedContextOf(request)));
  }
}
