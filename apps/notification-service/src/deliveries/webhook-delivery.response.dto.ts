import { WebhookEventType } from '@order-saga/contracts';
import { WebhookAttempt } from './webhook-attempt.entity';
import { DeliveryFailureReason, WebhookDelivery, WebhookDeliveryStatus } from './webhook-delivery.entity';

export interface WebhookAttemptResponseDto {
  attempt_number: number;
  attempted_at: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
}

export interface WebhookDeliveryResponseDto {
  delivery_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: WebhookEventType;
  order_id: string;
  status: WebhookDeliveryStatus;
  /** Set when failed: `exhausted` (the schedule ran out) or `gone` (the endpoint answered 410). */
  failure_reason: DeliveryFailureReason | null;
  attempt_count: number;
  /** When the next attempt is due; null once the delivery succeeded or was given up. */
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  created_at: string;
  attempts: WebhookAttemptResponseDto[];
}

export function toWebhookDeliveryResponse(delivery: WebhookDelivery): WebhookDeliveryResponseDto {
  return {
    delivery_id: delivery.deliveryId,
    endpoint_id: delivery.endpointId,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    order_id: delivery.orderId,
    status: delivery.status,
    failure_reason: delivery.status === 'failed' ? delivery.failureReason : null,
    attempt_count: delivery.attemptCount,
    next_attempt_at: delivery.status === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
    last_attempt_at: delivery.lastAttemptAt?.toISOString() ?? null,
    created_at: delivery.createdAt.toISOString(),
    attempts: [...(delivery.attempts ?? [])].sort((a, b) => a.attemptNumber - b.attemptNumber).map(toAttemptResponse),
  };
}

function toAttemptResponse(attempt: WebhookAttempt): WebhookAttemptResponseDto {
  return {
    attempt_number: attempt.attemptNumber,
    attempted_at: attempt.attemptedAt.toISOString(),
    status_code: attempt.statusCode,
    duration_ms: attempt.durationMs,
    error: attempt.error,
    response_excerpt: attempt.responseExcerpt,
  };
}
