import type { OrderCancelledWebhookData, OrderCreatedWebhookData, OrderUpdatedWebhookData, WebhookEvent } from '@order-saga/contracts';

/**
 * The three webhook bodies, named so the schema generator can reach them: the contracts library
 * declares one generic WebhookEvent and one data interface per event type.
 */
export type OrderCreatedWebhook = WebhookEvent<OrderCreatedWebhookData> & { event_type: 'order.created' };
export type OrderUpdatedWebhook = WebhookEvent<OrderUpdatedWebhookData> & { event_type: 'order.updated' };
export type OrderCancelledWebhook = WebhookEvent<OrderCancelledWebhookData> & { event_type: 'order.cancelled' };
