import type {
  OperatorActionRequestDto,
  OperatorWebhookDeliveryResponseDto,
  OperatorWebhookEndpointResponseDto,
  WebhookActionResponseDto,
} from '@order-saga/contracts/http/operator';
import { toAttemptResponse } from '../deliveries/webhook-delivery.response.dto';
import { WebhookEndpoint } from '../webhook-endpoints/webhook-endpoint.entity';
import { toWebhookEndpointResponse } from '../webhook-endpoints/webhook-endpoint.response.dto';
import type { OperatorDeliveryRow } from './operator-webhook.repository';

/* The operator contract's endpoint and delivery (libs/contracts/src/http/operator): the client's view, and whose. */

export function toOperatorEndpointResponse(endpoint: WebhookEndpoint, now: Date): OperatorWebhookEndpointResponseDto {
  return { ...toWebhookEndpointResponse(endpoint, now), client_id: endpoint.clientId };
}

export function toOperatorDeliveryResponse(row: OperatorDeliveryRow): OperatorWebhookDeliveryResponseDto {
  return {
    delivery_id: row.delivery_id,
    endpoint_id: row.endpoint_id,
    client_id: row.client_id,
    url: row.url,
    event_id: row.event_id,
    event_type: row.event_type,
    order_id: row.order_id,
    status: row.status,
    failure_reason: row.status === 'failed' ? row.failure_reason : null,
    attempt_count: row.attempt_count,
    next_attempt_at: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
    last_attempt_at: row.last_attempt_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    attempts: row.attempts.map(toAttemptResponse),
  };
}

/** What an operator's resend or test event queued, and on whose endpoints. */
export function toWebhookActionResponse(
  action: WebhookActionResponseDto['action'],
  request: OperatorActionRequestDto,
  operatorId: string,
  scope: { endpointId: string | null; clientId: string; since: string | null },
  deliveryIds: string[],
  now: Date,
): WebhookActionResponseDto {
  return {
    action_id: request.action_id,
    action,
    operator_id: operatorId,
    reason: request.reason,
    endpoint_id: scope.endpointId,
    client_id: scope.clientId,
    since: scope.since,
    delivery_ids: deliveryIds,
    occurred_at: now.toISOString(),
  };
}
