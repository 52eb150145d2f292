import { Controller, Get } from '@nestjs/common';
import { WebhookEndpointResponseDto } from '@order-saga/contracts/http';
import { ClientId } from '../../common/client-id.decorator';
import { Clock } from '../../domain/clock';
import { WebhookEndpointRepository } from '../webhook-endpoint.repository';
import { toWebhookEndpointResponse } from '../webhook-endpoint.response.dto';

@Controller('webhook-endpoints')
export class ListWebhookEndpointsHttpController {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly clock: Clock,
  ) {}

  @Get()
  async list(@ClientId() clientId: string): Promise<{ data: WebhookEndpointResponseDto[] }> {
    const now = this.clock.now();
    return { data: (await this.endpoints.listOwned(clientId)).map((endpoint) => toWebhookEndpointResponse(endpoint, now)) };
  }
}
