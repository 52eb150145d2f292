import { Injectable } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Clock } from '../../domain/clock';
import { WebhookEndpointRepository } from '../../webhook-endpoints/webhook-endpoint.repository';
import { WebhookDeliveryRepository } from '../webhook-delivery.repository';

/**
 * The spec's "manual retry available": puts a delivery back in line for one more attempt right away,
 * whatever its status. A failed delivery gets exactly one attempt; if that fails too it is failed again
 * (and announced again). The body and event id stay the same, so receivers can deduplicate.
 */
@Injectable()
export class RetryDeliveryHandler {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly clock: Clock,
    @InjectPinoLogger(RetryDeliveryHandler.name) private readonly logger: PinoLogger,
  ) {}

  async retry(clientId: string, endpointId: string, deliveryId: string): Promise<{ delivery_id: string; status: 'pending'; next_attempt_at: string }> {
    const now = this.clock.now();
    await this.endpoints.transaction(async (manager) => {
      const endpoint = await this.endpoints.findOwned(clientId, endpointId, manager);
      if (!endpoint.enabled) throw new DomainError('CONFLICT', `Webhook endpoint ${endpointId} is disabled; enable it before retrying its deliveries`);
      const result = await this.deliveries.requeue(manager, endpointId, deliveryId, now);
      if (result === 'not found') throw new DomainError('NOT_FOUND', `Webhook delivery ${deliveryId} does not exist`);
      if (result === 'being sent')
        throw new DomainError('CONFLICT', `Webhook delivery ${deliveryId} is being sent right now; try again when its attempt is recorded`);
    });
    this.logger.info({ delivery_id: deliveryId, endpoint_id: endpointId, client_id: clientId }, 'webhook delivery queued for a manual retry');
    return { delivery_id: deliveryId, status: 'pending', next_attempt_at: now.toISOString() };
  }
}
