import { DomainError } from '@order-saga/shared/http';

/**
 * Refuses an operator's resend or test event to an endpoint the worker would never send to (it claims only
 * live, enabled endpoints): the delivery would wait for ever. Enabling is the client's call, as the client's
 * own retry requires too.
 */
export function refuseUnsendable(endpoint: { endpointId: string; enabled: boolean; deletedAt: Date | null }): void {
  if (endpoint.deletedAt !== null) throw new DomainError('CONFLICT', `Webhook endpoint ${endpoint.endpointId} was deleted; nothing can be sent to it`);
  if (!endpoint.enabled) {
    throw new DomainError('CONFLICT', `Webhook endpoint ${endpoint.endpointId} is disabled; its client must enable it before anything is sent to it`);
  }
}
