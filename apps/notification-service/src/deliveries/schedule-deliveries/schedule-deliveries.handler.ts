import { Injectable, Logger } from '@nestjs/common';
import { MessageEnvelope } from '@order-saga/contracts';
import { DeferredStatement } from '@order-saga/shared/database';
import { EntityManager } from 'typeorm';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { Clock } from '../../domain/clock';
import { OrderLifecycleEvent, toOrderWebhook } from '../../domain/order-webhook-event';
import { firstAttemptAt, parseRetrySchedule } from '../../domain/retry-schedule';
import { DeliveriesDue } from '../deliveries-due';

/** An order event to schedule, as the statement takes it. */
interface ScheduledEvent {
  eventId: string;
  eventType: string;
  orderId: string;
  clientId: string;
  body: string;
  firstAttemptAt: Date;
}

/**
 * Every event of a transaction (a consumer batch) in one statement: one pending delivery per event and
 * per endpoint of the event's client that wants its type, in the events' order. A redelivered event
 * (same id) schedules nothing new.
 */
const SCHEDULE = `
  INSERT INTO webhook_delivery (delivery_id, endpoint_id, event_id, event_type, order_id, body, status, attempt_count, next_attempt_at)
  SELECT gen_random_uuid(), endpoint.endpoint_id, event.event_id, event.event_type, event.order_id, event.body, 'pending', 0, event.first_attempt_at
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) WITH ORDINALITY
         AS event (event_id, event_type, order_id, client_id, body, first_attempt_at, position)
    JOIN webhook_endpoint endpoint
      ON endpoint.client_id = event.client_id AND endpoint.enabled AND endpoint.deleted_at IS NULL AND event.event_type = ANY (endpoint.event_types)
   ORDER BY event.position
  ON CONFLICT (endpoint_id, event_id) DO NOTHING
  RETURNING delivery_id`;

/**
 * Turns an order event into one pending delivery per endpoint that wants it. Runs in the consumer's
 * inbox transaction, so the deliveries exist if and only if the Kafka offset moves past the event; the
 * rows are written just before that transaction commits, together with the other events of its batch.
 */
@Injectable()
export class ScheduleDeliveriesHandler {
  private readonly logger = new Logger(ScheduleDeliveriesHandler.name);
  private readonly schedule: number[];
  private readonly scheduleAll = new DeferredStatement<ScheduledEvent>((manager, events) => this.insert(manager, events));

  constructor(
    private readonly clock: Clock,
    config: NotificationServiceConfig,
    private readonly due: DeliveriesDue,
  ) {
    this.schedule = parseRetrySchedule(config.WEBHOOK_RETRY_SCHEDULE_SECONDS);
  }

  async handle(envelope: MessageEnvelope<OrderLifecycleEvent>, manager: EntityManager): Promise<void> {
    const { clientId, orderId, event } = toOrderWebhook(envelope);
    await this.scheduleAll.add(manager, {
      eventId: event.event_id,
      eventType: event.event_type,
      orderId,
      clientId,
      // Serialised once here: these exact bytes are signed and sent on every attempt.
      body: JSON.stringify(event),
      firstAttemptAt: firstAttemptAt(this.schedule, this.clock.now()),
    });
  }

  private async insert(manager: EntityManager, events: ScheduledEvent[]): Promise<void> {
    const scheduled: unknown[] = await manager.query(SCHEDULE, [
      events.map((event) => event.eventId),
      events.map((event) => event.eventType),
      events.map((event) => event.orderId),
      events.map((event) => event.clientId),
      events.map((event) => event.body),
      events.map((event) => event.firstAttemptAt),
    ]);
    if (scheduled.length > 0) this.due.announce(manager);
    // Debug: MessageProcessor's "message handled" line is the one info line per message.
    this.logger.debug({ events: events.length, deliveries: scheduled.length }, 'webhook deliveries scheduled');
  }
}
