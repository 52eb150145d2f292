import { Controller, Get, Param } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { WebhookEndpoint } from '../webhook-endpoint.entity';
import { toWebhookEndpointResponse, WebhookEndpointResponseDto } from '../webhook-endpoint.response.dto';

@Controller('webhook-endpoints')
export class GetWebhookEndpointHttpController {
  constructor(private readonly dataSource: DataSource) {}

  @Get(':endpointId')
  async get(@Param('endpointId') endpointId: string): Promise<WebhookEndpointResponseDto> {
    // A malformed id names no endpoint; without this check Postgres would reject the uuid cast as a 500.
    const endpoint = isUUID(endpointId) ? await this.dataSource.getRepository(WebhookEndpoint).findOneBy({ endpointId }) : null;
    if (!endpoint) throw new DomainError('NOT_FOUND', `Webhook endpoint ${endpointId} does not exist`);
    return toWebhookEndpointResponse(endpoint);
  }
}
