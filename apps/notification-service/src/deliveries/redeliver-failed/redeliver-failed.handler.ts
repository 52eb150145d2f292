import { Injectable } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Clock } from '../../domain/clock';
import { WebhookEndpointRepository } from '../../webhook-endpoints/webhook-endpoint.repository';
import { WebhookDeliveryRepository } from '../webhook-delivery.repository';

/** Upper bound per call, so one request cannot queue an unbounded burst at a receiver that just came back. */
export const MAX_REDELIVERIES = 1000;

/**
 * Bulk recovery after an outage of the client's receiver: every failed delivery of this endpoint created
 * since the given time goes back in line for one more attempt, in the order the events happened.
 */
@Injectable()
export class RedeliverFailedHandler {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly clock: Clock,
    @InjectPinoLogger(RedeliverFailedHandler.name) private readonly logger: PinoLogger,
  ) {}

  async redeliver(clientId: string, endpointId: string, since: Date): Promise<{ endpoint_id: string; since: string; queued: number }> {
    const now = this.clock.now();
    if (since > now) throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [{ field: 'since', error: 'since must not be in the future' }]);
    const queued = await this.endpoints.transaction(async (manager) => {
      const endpoint = await this.endpoints.findOwned(clientId, endpointId, manager);
      if (!endpoint.enabled) throw new DomainError('CONFLICT', `Webhook endpoint ${endpointId} is disabled; enable it before re-delivering to it`);
      return (await this.deliveries.requeueFailed(manager, { endpointId }, since, now, MAX_REDELIVERIES)).length;
    });
    this.logger.info({ endpoint_id: endpointId, client_id: clientId, since: since.toISOString(), queued }, 'failed webhook deliveries queued again');
    return { endpoint_id: endpointId, since: since.toISOString(), queued };
  }
}
