import type { WebhookAttemptResponseDto, WebhookDeliveryResponseDto } from '@order-saga/contracts/http';
import { WebhookAttempt } from './webhook-attempt.entity';
import { WebhookDelivery } from './webhook-delivery.entity';

/* The public contract's delivery and attempt (libs/contracts/src/http/webhooks). */

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
