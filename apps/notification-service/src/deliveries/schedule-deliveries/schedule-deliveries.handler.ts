import { Injectable } from '@nestjs/common';
import { MessageEnvelope } from '@order-saga/contracts';
import { EntityManager } from 'typeorm';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { Clock } from '../../domain/clock';
import { OrderLifecycleEvent, toOrderWebhooks } from '../../domain/order-webhook-event';
import { firstAttemptAt, parseRetrySchedule } from '../../domain/retry-schedule';
import { WebhookDeliveryRepository } from '../webhook-delivery.repository';

/**
 * Turns an order event into one pending delivery per webhook event it gives rise to (order.created and
 * order.updated from one OrderCreated) and per endpoint that wants it. Runs in the consumer's inbox
 * transaction, so the deliveries exist if and only if the Kafka offset moves past the event.
 */
@Injectable()
export class ScheduleDeliveriesHandler {
  private readonly schedule: number[];

  constructor(
    private readonly clock: Clock,
    config: NotificationServiceConfig,
    private readonly deliveries: WebhookDeliveryRepository,
  ) {
    this.schedule = parseRetrySchedule(config.WEBHOOK_RETRY_SCHEDULE_SECONDS);
  }

  async handle(envelope: MessageEnvelope<OrderLifecycleEvent>, manager: EntityManager): Promise<void> {
    const at = firstAttemptAt(this.schedule, this.clock.now());
    for (const { clientId, orderId, event } of toOrderWebhooks(envelope)) {
      await this.deliveries.schedule(manager, {
        eventId: event.event_id,
        eventType: event.event_type,
        orderId,
        clientId,
        // Serialised once here: these exact bytes are signed and sent on every attempt.
        body: JSON.stringify(event),
        firstAttemptAt: at,
      });
    }
  }
}
