/** Webhook event types, as the integration spec names them. */
export const WEBHOOK_EVENT_TYPES = ['order.created', 'order.updated', 'order.cancelled'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The body POSTed to a subscriber, in the spec's payload structure. */
export interface WebhookEvent<TData extends WebhookEventData = WebhookEventData> {
  event_id: string;
  event_type: WebhookEventType;
  timestamp: string;
  data: TData;
}

export interface WebhookEventData {
  object_type: 'order';
  object_id: string;
  changes?: Record<string, { from: unknown; to: unknown }>;
  [field: string]: unknown;
}

export interface OrderCreatedWebhookData extends WebhookEventData {
  order_id: string;
  customer_id: string;
  total_amount: number;
  currency: string;
  items: { product_id: string; quantity: number; unit_price: number }[];
  created_at: string;
}

/** Header names of a signed delivery. */
export const WEBHOOK_HEADERS = {
  signature: 'X-Webhook-Signature',
  timestamp: 'X-Webhook-Timestamp',
  id: 'X-Webhook-Id',
  eventType: 'X-Webhook-Event',
} as const;
