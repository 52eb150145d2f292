import { WebhookEventType } from '@order-saga/contracts';
import { DisabledReason, WebhookEndpoint } from './webhook-endpoint.entity';

export interface WebhookEndpointResponseDto {
  endpoint_id: string;
  url: string;
  event_types: WebhookEventType[];
  description: string | null;
  enabled: boolean;
  /** `gone` when the receiver answered 410 and we stopped sending; `client` when switched off through the API. */
  disabled_reason: DisabledReason | null;
  /** While set, the previous secret still signs next to the current one (a rotation's grace period). */
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Only registration and rotation answer with the secret; nothing can read it back afterwards. */
export interface WebhookEndpointWithSecretResponseDto extends WebhookEndpointResponseDto {
  secret: string;
}

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
