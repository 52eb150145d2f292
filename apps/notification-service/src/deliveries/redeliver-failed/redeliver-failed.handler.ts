import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { Clock } from '../../domain/clock';
import { WebhookEndpointRepository } from '../../webhook-endpoints/webhook-endpoint.repository';
import { DeliveriesDue } from '../deliveries-due';

/** Upper bound per call, so one request cannot queue an unbounded burst at a receiver that just came back. */
const MAX_REDELIVERIES = 1000;

/**
 * Bulk recovery after an outage of the client's receiver: every failed delivery of this endpoint created
 * since the given time goes back in line for one more attempt, in the order the events happened.
 */
@Injectable()
export class RedeliverFailedHandler {
  private readonly logger = new Logger(RedeliverFailedHandler.name);

  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly clock: Clock,
    private readonly due: DeliveriesDue,
  ) {}

  async redeliver(clientId: string, endpointId: string, since: Date): Promise<{ endpoint_id: string; since: string; queued: number }> {
    const now = this.clock.now();
    if (since > now) throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [{ field: 'since', error: 'since must not be in the future' }]);
    const queued = await this.endpoints.transaction(async (manager) => {
      const endpoint = await this.endpoints.findOwned(clientId, endpointId, manager);
      if (!endpoint.enabled) throw new DomainError('CONFLICT', `Webhook endpoint ${endpointId} is disabled; enable it before re-delivering to it`);
      const [, count]: [unknown, number] = await manager.query(
        `UPDATE webhook_delivery
            SET status = 'pending', failure_reason = NULL, next_attempt_at = $3
          WHERE delivery_id IN (
                  SELECT delivery_id FROM webhook_delivery
                   WHERE endpoint_id = $1 AND status = 'failed' AND created_at >= $2
                   ORDER BY created_at
                   LIMIT ${MAX_REDELIVERIES})`,
        [endpointId, since, now],
      );
      if (count > 0) this.due.announce(manager);
      return count;
    });
    this.logger.log({ endpoint_id: endpointId, client_id: clientId, since: since.toISOString(), queued }, 'failed webhook deliveries queued again');
    return { endpoint_id: endpointId, since: since.toISOString(), queued };
  }
}
