import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { WebhookDeliveryRepository } from '../../deliveries/webhook-delivery.repository';
import { Clock } from '../../domain/clock';
import { WebhookEndpointRepository } from '../webhook-endpoint.repository';

/**
 * Soft-deletes: the delivery log keeps pointing at the endpoint, but nothing is sent to it any more and
 * its pending deliveries are cancelled. A send already under way still records its attempt.
 */
@Injectable()
export class DeleteWebhookEndpointHandler {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly clock: Clock,
    @InjectPinoLogger(DeleteWebhookEndpointHandler.name) private readonly logger: PinoLogger,
  ) {}

  async delete(clientId: string, endpointId: string): Promise<void> {
    const cancelled = await this.endpoints.transaction(async (manager) => {
      const endpoint = await this.endpoints.findOwned(clientId, endpointId, manager);
      endpoint.deletedAt = this.clock.now();
      endpoint.enabled = false;
      endpoint.disabledReason = 'client';
      await this.endpoints.save(endpoint, manager);
      return this.deliveries.cancelPending(manager, endpointId);
    });
    this.logger.info({ endpoint_id: endpointId, client_id: clientId, cancelled_deliveries: cancelled }, 'webhook endpoint deleted');
  }
}
