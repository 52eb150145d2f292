import { WebhookEventType } from '@order-saga/contracts';
import { WebhookEndpoint } from './webhook-endpoint.entity';

export interface WebhookEndpointResponseDto {
  endpoint_id: string;
  client_id: string;
  url: string;
  event_types: WebhookEventType[];
  description: string | null;
  enabled: boolean;
  created_at: string;
}

/** Only the registration response carries the secret; nothing can read it back afterwards. */
export interface RegisteredWebhookEndpointResponseDto extends WebhookEndpointResponseDto {
  secret: string;
}

export function toWebhookEndpointResponse(endpoint: WebhookEndpoint): WebhookEndpointResponseDto {
  return {
    endpoint_id: endpoint.endpointId,
    client_id: endpoint.clientId,
    url: endpoint.url,
    event_types: endpoint.eventTypes,
    description: endpoint.description,
    enabled: endpoint.enabled,
    created_at: endpoint.createdAt.toISOString(),
  };
}
