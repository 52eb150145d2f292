import { Controller, Get, Query } from '@nestjs/common';
import { DataSource, FindOptionsWhere } from 'typeorm';
import { WebhookDeliveryResponseDto } from '@order-saga/contracts/http';
import { WebhookDelivery } from '../webhook-delivery.entity';
import { isOrderEventDelivery, ORDER_EVENTS_ONLY, toWebhookDeliveryResponse } from '../webhook-delivery.response.dto';
import { ListDeliveriesRequestDto } from './list-deliveries.request.dto';

/** A filter-less call must not return the whole table. */
const MAX_DELIVERIES = 100;

/** Operators and tests look here to see whether, when and how a webhook was delivered. */
@Controller('deliveries')
export class ListDeliveriesHttpController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  async list(@Query() query: ListDeliveriesRequestDto): Promise<{ data: WebhookDeliveryResponseDto[] }> {
    const where: FindOptionsWhere<WebhookDelivery> = { eventType: ORDER_EVENTS_ONLY };
    if (query.event_id) where.eventId = query.event_id;
    if (query.endpoint_id) where.endpointId = query.endpoint_id;
    if (query.order_id) where.orderId = query.order_id;
    const deliveries = await this.dataSource.getRepository(WebhookDelivery).find({
      where,
      relations: { attempts: true },
      order: { createdAt: 'DESC', deliveryId: 'ASC' },
      take: MAX_DELIVERIES,
    });
    return { data: deliveries.filter(isOrderEventDelivery).map(toWebhookDeliveryResponse) };
  }
}
