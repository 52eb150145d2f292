import { Injectable } from '@nestjs/common';
import { DEAD_LETTER_SERVICES, DeadLetterService, isDeadLetterService } from '@order-saga/contracts/http/operator';
import { DomainError } from '@order-saga/shared/http';
import { InventoryServiceProxy, NotificationServiceProxy, OrderServiceProxy, PaymentServiceProxy } from '../../upstream/upstream-proxies';
import { ClientJsonBody, ForwardedContext, pathSegment, UpstreamReply, UpstreamServiceProxy } from '../../upstream/upstream-service.proxy';

/**
 * The dead-letter routes every Kafka service serves (DeadLettersModule, libs/shared/messaging), reached through
 * that service's own proxy: its in-flight bound, its timeout. The service comes from the operator's path, so an
 * unknown one is the operator's mistake (400), named like any other invalid parameter.
 */
@Injectable()
export class DeadLettersProxy {
  private readonly services: Record<DeadLetterService, UpstreamServiceProxy>;

  constructor(order: OrderServiceProxy, inventory: InventoryServiceProxy, payment: PaymentServiceProxy, notification: NotificationServiceProxy) {
    this.services = { 'order-service': order, 'inventory-service': inventory, 'payment-service': payment, 'notification-service': notification };
  }

  list(service: string, query: Record<string, string>, context: ForwardedContext): Promise<UpstreamReply> {
    return this.of(service).send('GET', '/dead-letters', context, { query });
  }

  /** The parked ones counted, per consumer and topic. */
  depth(service: string, context: ForwardedContext): Promise<UpstreamReply> {
    return this.of(service).send('GET', '/dead-letters/depth', context);
  }

  get(service: string, id: string, context: ForwardedContext): Promise<UpstreamReply> {
    return this.of(service).send('GET', `/dead-letters/${pathSegment(id, 'Dead letter')}`, context);
  }

  /** A redrive or discard of one dead letter; `{action_id, reason}` relayed as sent. */
  act(service: string, id: string, action: 'redrive' | 'discard', body: ClientJsonBody, context: ForwardedContext): Promise<UpstreamReply> {
    return this.of(service).send('POST', `/dead-letters/${pathSegment(id, 'Dead letter')}/${action}`, context, { body });
  }

  /** Every parked dead letter of the service matching `{consumer?, topic?}` in the body. */
  redriveAll(service: string, body: ClientJsonBody, context: ForwardedContext): Promise<UpstreamReply> {
    return this.of(service).send('POST', '/dead-letters/redrive', context, { body });
  }

  private of(service: string): UpstreamServiceProxy {
    if (!isDeadLetterService(service)) {
      throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [
        { field: 'service', error: `Must be one of ${DEAD_LETTER_SERVICES.join(', ')}` },
      ]);
    }
    return this.services[service];
  }
}
