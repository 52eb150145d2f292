import { Controller, Get, Param } from '@nestjs/common';
import { WebhookEndpointResponseDto } from '@order-saga/contracts/http';
import { ClientId } from '../../common/client-id.decorator';
import { Clock } from '../../domain/clock';
import { WebhookEndpointRepository } from '../webhook-endpoint.repository';
import { toWebhookEndpointResponse } from '../webhook-endpoint.response.dto';

@Controller('webhook-endpoints')
export class GetWebhookEndpointHttpController {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly clock: Clock,
  ) {}

  @Get(':endpointId')
  async get(@ClientId() clientId: string, @Param('endpointId') endpointId: string): Promise<WebhookEndpointResponseDto> {
    return toWebhookEndpointResponse(await this.endpoints.findOwned(clientId, endpointId), this.clock.now());
  }
}
