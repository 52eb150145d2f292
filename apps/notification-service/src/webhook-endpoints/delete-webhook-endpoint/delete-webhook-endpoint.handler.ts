import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../domain/clock';
import { WebhookEndpointRepository } from '../webhook-endpoint.repository';

/**
 * Soft-deletes: the delivery log keeps pointing at the endpoint, but nothing is sent to it any more and
 * its pending deliveries are cancelled. A send already under way still records its attempt.
 */
@Injectable()
export class DeleteWebhookEndpointHandler {
  private readonly logger = new Logger(DeleteWebhookEndpointHandler.name);

  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly clock: Clock,
  ) {}

  async delete(clientId: string, endpointId: string): Promise<void> {
    const cancelled = await this.endpoints.transaction(async (manager) => {
      const endpoint = await this.endpoints.findOwned(clientId, endpointId, manager);
      endpoint.deletedAt = this.clock.now();
      endpoint.enabled = false;
      endpoint.disabledReason = 'client';
      await this.endpoints.save(endpoint, manager);
      const [, count]: [unknown, number] = await manager.query(
        `UPDATE webhook_delivery SET status = 'cancelled' WHERE endpoint_id = $1 AND status = 'pending'`,
        [endpointId],
      );
      return count;
    });
    this.logger.log({ endpoint_id: endpointId, client_id: clientId, cancelled_deliveries: cancelled }, 'webhook endpoint deleted');
  }
}
