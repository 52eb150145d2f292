import { Controller, Get, Param, Query } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT } from '@order-saga/contracts/http';
import {
  ListOperatorWebhookDeliveriesRequestDto,
  OperatorWebhookDeliveryPageResponseDto,
  OperatorWebhookDeliveryResponseDto,
} from '@order-saga/contracts/http/operator';
import { DomainError, pageOf } from '@order-saga/shared/http';
import { OperatorWebhookRepository } from '../operator-webhook.repository';
import { toOperatorDeliveryResponse } from '../operator-webhook.response.dto';

/**
 * Operators' delivery log across every client (behind the gateway's operator routes), newest first, each
 * delivery with its attempts: e.g. `?status=failed&client_id=…`, or `?order_id=…` for one order's saga page.
 */
@Controller('operator/webhook-deliveries')
export class ListOperatorWebhookDeliveriesHttpController {
  constructor(private readonly webhooks: OperatorWebhookRepository) {}

  @Get()
  async list(@Query() query: ListOperatorWebhookDeliveriesRequestDto): Promise<OperatorWebhookDeliveryPageResponseDto> {
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.webhooks.findDeliveryPage(
      {
        status: query.status,
        clientId: query.client_id,
        endpointId: query.endpoint_id,
        eventId: query.event_id,
        eventType: query.event_type,
        orderId: query.order_id,
        since: query.since === undefined ? undefined : new Date(query.since),
      },
      limit,
      query.cursor,
    );
    return pageOf(rows, limit, (row) => ({ createdAt: row.position, id: row.delivery_id }), toOperatorDeliveryResponse);
  }

  @Get(':deliveryId')
  async get(@Param('deliveryId') deliveryId: string): Promise<OperatorWebhookDeliveryResponseDto> {
    const row = await this.webhooks.findDelivery(deliveryId);
    if (!row) throw new DomainError('NOT_FOUND', `Webhook delivery ${deliveryId} does not exist`);
    return toOperatorDeliveryResponse(row);
  }
}
