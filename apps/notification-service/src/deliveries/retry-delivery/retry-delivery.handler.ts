import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { isUUID } from 'class-validator';
import { Clock } from '../../domain/clock';
import { WebhookEndpointRepository } from '../../webhook-endpoints/webhook-endpoint.repository';
import { DeliveriesDue } from '../deliveries-due';

/**
 * The spec's "manual retry available": puts a delivery back in line for one more attempt right away,
 * whatever its status. A failed delivery gets exactly one attempt; if that fails too it is failed again
 * (and announced again). The body and event id stay the same, so receivers can deduplicate.
 */
@Injectable()
export class RetryDeliveryHandler {
  private readonly logger = new Logger(RetryDeliveryHandler.name);

  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly clock: Clock,
    private readonly due: DeliveriesDue,
  ) {}

  async retry(clientId: string, endpointId: string, deliveryId: string): Promise<{ delivery_id: string; status: 'pending'; next_attempt_at: string }> {
    const now = this.clock.now();
    await this.endpoints.transaction(async (manager) => {
      const endpoint = await this.endpoints.findOwned(clientId, endpointId, manager);
      if (!endpoint.enabled) throw new DomainError('CONFLICT', `Webhook endpoint ${endpointId} is disabled; enable it before retrying its deliveries`);
      const [found]: { locked: boolean }[] = isUUID(deliveryId)
        ? await manager.query(`SELECT locked_until > now() AS locked FROM webhook_delivery WHERE delivery_id = $1 AND endpoint_id = $2 FOR UPDATE`, [
            deliveryId,
            endpointId,
          ])
        : [];
      if (!found) throw new DomainError('NOT_FOUND', `Webhook delivery ${deliveryId} does not exist`);
      // Re-queueing a delivery that is being sent would let a second send start before the first is recorded.
      if (found.locked) throw new DomainError('CONFLICT', `Webhook delivery ${deliveryId} is being sent right now; try again when its attempt is recorded`);
      await manager.query(`UPDATE webhook_delivery SET status = 'pending', failure_reason = NULL, next_attempt_at = $2 WHERE delivery_id = $1`, [
        deliveryId,
        now,
      ]);
      this.due.announce(manager);
    });
    this.logger.log({ delivery_id: deliveryId, endpoint_id: endpointId, client_id: clientId }, 'webhook delivery queued for a manual retry');
    return { delivery_id: deliveryId, status: 'pending', next_attempt_at: now.toISOString() };
  }
}
