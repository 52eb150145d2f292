import { randomUUID } from 'node:crypto';
import { Body, Controller, Logger, Post } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { generateWebhookSecret } from '../../domain/webhook-signature';
import { WebhookEndpoint } from '../webhook-endpoint.entity';
import { RegisteredWebhookEndpointResponseDto, toWebhookEndpointResponse } from '../webhook-endpoint.response.dto';
import { RegisterWebhookEndpointRequestDto } from './register-webhook-endpoint.request.dto';

@Controller('webhook-endpoints')
export class RegisterWebhookEndpointHttpController {
  private readonly logger = new Logger(RegisterWebhookEndpointHttpController.name);

  constructor(private readonly dataSource: DataSource) {}

  @Post()
  async register(@Body() body: RegisterWebhookEndpointRequestDto): Promise<RegisteredWebhookEndpointResponseDto> {
    const repository = this.dataSource.getRepository(WebhookEndpoint);
    const endpoint = await repository.save(
      repository.create({
        endpointId: randomUUID(),
        clientId: body.client_id,
        url: body.url,
        secret: generateWebhookSecret(),
        eventTypes: body.event_types,
        description: body.description ?? null,
        enabled: true,
      }),
    );
    this.logger.log(
      { endpoint_id: endpoint.endpointId, client_id: endpoint.clientId, event_types: endpoint.eventTypes },
      'webhook endpoint registered',
    );
    return { ...toWebhookEndpointResponse(endpoint), secret: endpoint.secret };
  }
}
