import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Clock } from '../../domain/clock';
import { generateWebhookSecret } from '@order-saga/webhooks';
import { RegisterWebhookEndpointRequestDto, WebhookEndpointWithSecretResponseDto } from '@order-saga/contracts/http';
import { WebhookEndpoint } from '../webhook-endpoint.entity';
import { WebhookEndpointRepository } from '../webhook-endpoint.repository';
import { withSecret } from '../webhook-endpoint.response.dto';
import { WebhookUrlValidator } from '../webhook-url.validator';

@Injectable()
export class RegisterWebhookEndpointHandler {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly urls: WebhookUrlValidator,
    private readonly clock: Clock,
    @InjectPinoLogger(RegisterWebhookEndpointHandler.name) private readonly logger: PinoLogger,
  ) {}

  async register(clientId: string, request: RegisterWebhookEndpointRequestDto): Promise<WebhookEndpointWithSecretResponseDto> {
    await this.urls.assertAllowed(request.url);
    const enabled = request.enabled ?? true;
    const endpoint = await this.endpoints.save(
      Object.assign(new WebhookEndpoint(), {
        endpointId: randomUUID(),
        clientId,
        url: request.url,
        // Generated here, never chosen by the client: a guessable secret would make signatures worthless.
        secret: generateWebhookSecret(),
        previousSecret: null,
        previousSecretExpiresAt: null,
        eventTypes: request.event_types,
        description: request.description ?? null,
        enabled,
        disabledReason: enabled ? null : 'client',
        deletedAt: null,
      }),
    );
    this.logger.info({ endpoint_id: endpoint.endpointId, client_id: clientId, event_types: endpoint.eventTypes }, 'webhook endpoint registered');
    return withSecret(endpoint, this.clock.now());
  }
}
