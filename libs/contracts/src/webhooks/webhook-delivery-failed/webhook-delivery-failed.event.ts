import { IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, Min } from 'class-validator';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';
import { WEBHOOK_EVENT_TYPES, WebhookEventType } from '../webhook-event';

/**
 * A webhook delivery was given up after its last scheduled attempt (or the endpoint answered 410 Gone).
 * Announced so that alerting, a client-facing notice or an operator tool can act on it; the delivery
 * can still be retried by hand.
 */
export class WebhookDeliveryFailedEvent {
  @IsUUID()
  deliveryId: string;

  @IsUUID()
  endpointId: string;

  @IsString()
  @IsNotEmpty()
  clientId: string;

  @IsUUID()
  eventId: string;

  @IsIn(WEBHOOK_EVENT_TYPES)
  eventType: WebhookEventType;

  @IsString()
  @IsNotEmpty()
  orderId: string;

  @IsInt()
  @Min(1)
  attempts: number;

  /** Status code of the last attempt; absent when no response arrived. */
  @IsOptional()
  @IsInt()
  lastStatusCode?: number;

  @IsOptional()
  @IsString()
  lastError?: string;

  @IsISO8601({ strict: true })
  failedAt: string;
}

export const WEBHOOK_DELIVERY_FAILED = defineMessage('WebhookDeliveryFailed', TOPICS.notification.webhookDeliveryEvents, WebhookDeliveryFailedEvent);
