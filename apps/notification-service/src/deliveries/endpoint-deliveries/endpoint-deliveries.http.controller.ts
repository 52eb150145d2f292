import { Controller, Get, Param, Query } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { isUUID } from 'class-validator';
import { DataSource, FindOptionsWhere, MoreThanOrEqual } from 'typeorm';
import { EndpointDeliveriesRequestDto, WebhookDeliveryResponseDto } from '@order-saga/contracts/http';
import { ClientId } from '../../common/client-id.decorator';
import { WebhookEndpointRepository } from '../../webhook-endpoints/webhook-endpoint.repository';
import { WebhookDelivery } from '../webhook-delivery.entity';
import { isOrderEventDelivery, ORDER_EVENTS_ONLY, toWebhookDeliveryResponse } from '../webhook-delivery.response.dto';

const DEFAULT_LIMIT = 50;

/** A client's delivery log of one endpoint: every delivery with its attempts, newest first. */
@Controller('webhook-endpoints/:endpointId/deliveries')
export class EndpointDeliveriesHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly endpoints: WebhookEndpointRepository,
  ) {}

  @Get()
  async list(
    @ClientId() clientId: string,
    @Param('endpointId') endpointId: string,
    @Query() query: EndpointDeliveriesRequestDto,
  ): Promise<{ data: WebhookDeliveryResponseDto[] }> {
    await this.endpoints.findOwned(clientId, endpointId);
    const where: FindOptionsWhere<WebhookDelivery> = { endpointId, eventType: ORDER_EVENTS_ONLY };
    if (query.status) where.status = query.status;
    if (query.since) where.createdAt = MoreThanOrEqual(new Date(query.since));
    const deliveries = await this.dataSource.getRepository(WebhookDelivery).find({
      where,
      relations: { attempts: true },
      order: { createdAt: 'DESC', deliveryId: 'ASC' },
      take: query.limit ?? DEFAULT_LIMIT,
    });
    return { data: deliveries.filter(isOrderEventDelivery).map(toWebhookDeliveryResponse) };
  }

  @Get(':deliveryId')
  async get(
    @ClientId() clientId: string,
    @Param('endpointId') endpointId: string,
    @Param('deliveryId') deliveryId: string,
  ): Promise<WebhookDeliveryResponseDto> {
    await this.endpoints.findOwned(clientId, endpointId);
    const delivery = isUUID(deliveryId)
      ? await this.dataSource
          .getRepository(WebhookDelivery)
          .findOne({ where: { deliveryId, endpointId, eventType: ORDER_EVENTS_ONLY }, relations: { attempts: true } })
      : null;
    if (!delivery || !isOrderEventDelivery(delivery)) throw new DomainError('NOT_FOUND', `Webhook delivery ${deliveryId} does not exist`);
    return toWebhookDeliveryResponse(delivery);
  }
}
