import { Injectable } from '@nestjs/common';
import { MessageEnvelope } from '@order-saga/contracts';
import { PinoLogger } from 'nestjs-pino';
import { EntityManager } from 'typeorm';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { Clock } from '../../domain/clock';
import { OrderLifecycleEvent, toOrderWebhook } from '../../domain/order-webhook-event';
import { firstAttemptAt, parseRetrySchedule } from '../../domain/retry-schedule';

export const DELIVERY_CHANNEL = 'webhook_delivery';

/**
 * Turns an order event into one pending delivery per endpoint that wants it. Runs in the consumer's
 * inbox transaction, so the deliveries exist if and only if the Kafka offset moves past the event.
 */
@Injectable()
export class ScheduleDeliveriesHandler {
  private readonly schedule: number[];

  constructor(
    private readonly clock: Clock,
    config: NotificationServiceConfig,
  ) {
    this.schedule = parseRetrySchedule(config.WEBHOOK_RETRY_SCHEDULE_SECONDS);
  }

  async handle(envelope: MessageEnvelope<OrderLifecycleEvent>, manager: EntityManager, logger: PinoLogger): Promise<void> {
    const { clientId, orderId, event } = toOrderWebhook(envelope);
    // Serialised once here: these exact bytes are signed and sent on every attempt.
    const body = JSON.stringify(event);
    // pg_notify reaches the workers only when this transaction commits, i.e. when the rows are visible to
    // them. It runs once per scheduled row in the same statement; PostgreSQL delivers a transaction's
    // identical notifications once, and none when nothing was scheduled.
    const scheduled: unknown[] = await manager.query(
      `WITH scheduled AS (
         INSERT INTO webhook_delivery (delivery_id, endpoint_id, event_id, event_type, order_id, body, status, attempt_count, next_attempt_at)
         SELECT gen_random_uuid(), endpoint_id, $1, $2, $3, $4, 'pending', 0, $5
           FROM webhook_endpoint
          WHERE client_id = $6 AND enabled AND deleted_at IS NULL AND $2 = ANY (event_types)
         ON CONFLICT (endpoint_id, event_id) DO NOTHING
         RETURNING delivery_id
       )
       SELECT delivery_id, pg_notify($7, '') FROM scheduled`,
      [event.event_id, event.event_type, orderId, body, firstAttemptAt(this.schedule, this.clock.now()), clientId, DELIVERY_CHANNEL],
    );
    // Debug: MessageProcessor's "message handled" line is the one info line per message.
    logger.debug(
      { event_id: event.event_id, event_type: event.event_type, order_id: orderId, client_id: clientId, deliveries: scheduled.length },
      'webhook deliveries scheduled',
    );
  }
}
