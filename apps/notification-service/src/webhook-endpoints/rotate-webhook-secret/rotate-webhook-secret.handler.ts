import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { Clock } from '../../domain/clock';
import { generateWebhookSecret } from '@order-saga/webhooks';
import { RotateWebhookSecretRequestDto, WebhookEndpointWithSecretResponseDto } from '@order-saga/contracts/http';
import { WebhookEndpointRepository } from '../webhook-endpoint.repository';
import { withSecret } from '../webhook-endpoint.response.dto';

/**
 * Issues a new secret. The old one keeps signing alongside it for a grace period, so the client can
 * deploy the new secret to its receivers without rejecting webhooks in between. Only the secret just
 * replaced gets a grace period: rotating twice in a row ends the first old secret's at once.
 */
@Injectable()
export class RotateWebhookSecretHandler {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly clock: Clock,
    private readonly config: NotificationServiceConfig,
    @InjectPinoLogger(RotateWebhookSecretHandler.name) private readonly logger: PinoLogger,
  ) {}

  async rotate(clientId: string, endpointId: string, request: RotateWebhookSecretRequestDto): Promise<WebhookEndpointWithSecretResponseDto> {
    const graceSeconds = request.grace_period_seconds ?? this.config.WEBHOOK_ROTATION_GRACE_SECONDS;
    const now = this.clock.now();
    const endpoint = await this.endpoints.transaction(async (manager) => {
      const current = await this.endpoints.findOwned(clientId, endpointId, manager);
      current.previousSecret = graceSeconds > 0 ? current.secret : null;
      current.previousSecretExpiresAt = graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null;
      current.secret = generateWebhookSecret();
      return this.endpoints.save(current, manager);
    });
    this.logger.info(
      { endpoint_id: endpointId, client_id: clientId, previous_secret_expires_at: endpoint.previousSecretExpiresAt?.toISOString() ?? null },
      'webhook secret rotated',
    );
    return withSecret(endpoint, now);
  }
}
