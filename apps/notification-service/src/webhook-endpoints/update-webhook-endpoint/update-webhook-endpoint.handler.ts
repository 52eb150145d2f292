import { Injectable } from '@nestjs/common';
import { UpdateWebhookEndpointRequestDto, WebhookEndpointResponseDto } from '@order-saga/contracts/http';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Clock } from '../../domain/clock';
import { WebhookEndpointRepository } from '../webhook-endpoint.repository';
import { toWebhookEndpointResponse } from '../webhook-endpoint.response.dto';
import { WebhookUrlValidator } from '../webhook-url.validator';

@Injectable()
export class UpdateWebhookEndpointHandler {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly urls: WebhookUrlValidator,
    private readonly clock: Clock,
    @InjectPinoLogger(UpdateWebhookEndpointHandler.name) private readonly logger: PinoLogger,
  ) {}

  async update(clientId: string, endpointId: string, request: UpdateWebhookEndpointRequestDto): Promise<WebhookEndpointResponseDto> {
    if (request.url !== undefined) await this.urls.assertAllowed(request.url);
    const endpoint = await this.endpoints.transaction(async (manager) => {
      const current = await this.endpoints.findOwned(clientId, endpointId, manager);
      if (request.url !== undefined) current.url = request.url;
      if (request.event_types !== undefined) current.eventTypes = request.event_types;
      if (request.description !== undefined) current.description = request.description;
      if (request.enabled !== undefined) {
        current.enabled = request.enabled;
        // Re-enabling after a 410 is the client saying the receiver is back; pending deliveries resume.
        current.disabledReason = request.enabled ? null : 'client';
      }
      return this.endpoints.save(current, manager);
    });
    this.logger.info({ endpoint_id: endpointId, client_id: clientId, fields: Object.keys(request) }, 'webhook endpoint updated');
    return toWebhookEndpointResponse(endpoint, this.clock.now());
  }
}
