import { WEBHOOK_TEST_EVENT_TYPE, WebhookEventType, WebhookTestEventType } from '@order-saga/contracts';
import type { WebhookAttemptResponseDto, WebhookDeliveryResponseDto } from '@order-saga/contracts/http';
import { FindOperator, Not } from 'typeorm';
import { WebhookAttempt } from './webhook-attempt.entity';
import { WebhookDelivery } from './webhook-delivery.entity';

/* The public contract's delivery and attempt (libs/contracts/src/http/webhooks). */

/**
 * A delivery of an order event: what a client's delivery log lists. An operator's test events are the
 * operators' (their list, libs/contracts/src/http/operator), never in the client's log.
 */
export type OrderEventDelivery = WebhookDelivery & { eventType: WebhookEventType; orderId: string };

/** The TypeORM condition that keeps test events out of a client's reads. */
export const ORDER_EVENTS_ONLY: FindOperator<WebhookEventType | WebhookTestEventType> = Not(WEBHOOK_TEST_EVENT_TYPE);

export function isOrderEventDelivery(delivery: WebhookDelivery): delivery is OrderEventDelivery {
  return delivery.eventType !== WEBHOOK_TEST_EVENT_TYPE && delivery.orderId !== null;
}

export function toWebhookDeliveryResponse(delivery: OrderEventDelivery): WebhookDeliveryResponseDto {
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

export function toAttemptResponse(attempt: WebhookAttempt): WebhookAttemptResponseDto {
  return {
    attempt_number: attempt.attemptNumber,
    attempted_at: attempt.attemptedAt.toISOString(),
    status_code: attempt.statusCode,
    duration_ms: attempt.durationMs,
    error: attempt.error,
    response_excerpt: attempt.responseExcerpt,
  };
}
