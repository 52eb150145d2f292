import type { OrderStatus } from '../order/order-lifecycle/order-status';

/** Webhook event types, as the integration spec names them. */
export const WEBHOOK_EVENT_TYPES = ['order.created', 'order.updated', 'order.cancelled'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * The event an operator sends to one endpoint to check that it receives and verifies webhooks (like GitHub's
 * ping): signed like the others, sent once, never subscribed to, about no order. Receivers may ignore it.
 */
export const WEBHOOK_TEST_EVENT_TYPE = 'webhook.test';
export type WebhookTestEventType = typeof WEBHOOK_TEST_EVENT_TYPE;

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

export interface OrderUpdatedWebhookData extends WebhookEventData {
  order_id: string;
  previous_status: OrderStatus;
  current_status: OrderStatus;
  updated_at: string;
  changes: { status: { from: OrderStatus; to: OrderStatus } };
}

export interface OrderCancelledWebhookData extends WebhookEventData {
  order_id: string;
  customer_id: string;
  previous_status: OrderStatus;
  reason: string;
  cancelled_at: string;
}

/** The body of a test event (WEBHOOK_TEST_EVENT_TYPE). */
export interface WebhookTestEvent {
  event_id: string;
  event_type: WebhookTestEventType;
  timestamp: string;
  data: { object_type: 'webhook_endpoint'; object_id: string; message: string };
}
