import type { WebhookEndpointResponseDto, WebhookEndpointWithSecretResponseDto } from '@order-saga/contracts/http';
import { WebhookEndpoint } from './webhook-endpoint.entity';

/* The public contract's endpoint (libs/contracts/src/http/webhooks); only registration and rotation add the secret. */

export function toWebhookEndpointResponse(endpoint: WebhookEndpoint, now: Date): WebhookEndpointResponseDto {
  const graceLasts = endpoint.previousSecretExpiresAt !== null && endpoint.previousSecretExpiresAt > now;
  return {
    endpoint_id: endpoint.endpointId,
    url: endpoint.url,
    event_types: endpoint.eventTypes,
    description: endpoint.description,
    enabled: endpoint.enabled,
    disabled_reason: endpoint.enabled ? null : endpoint.disabledReason,
    previous_secret_expires_at: graceLasts ? endpoint.previousSecretExpiresAt!.toISOString() : null,
    created_at: endpoint.createdAt.toISOString(),
    updated_at: endpoint.updatedAt.toISOString(),
  };
}

export function withSecret(endpoint: WebhookEndpoint, now: Date): WebhookEndpointWithSecretResponseDto {
  return { ...toWebhookEndpointResponse(endpoint, now), secret: endpoint.secret };
}
