import {
  MessageDefinition,
  MessageEnvelope,
  ORDER_CANCELLED,
  ORDER_CREATED,
  ORDER_UPDATED,
  OrderCancelledEvent,
  OrderCreatedEvent,
  OrderCancelledWebhookData,
  OrderCreatedWebhookData,
  OrderUpdatedEvent,
  OrderUpdatedWebhookData,
  WebhookEvent,
} from '@order-saga/contracts';
import { derivedEventId } from '@order-saga/webhooks';

export type OrderLifecycleEvent = OrderCreatedEvent | OrderUpdatedEvent | OrderCancelledEvent;

export interface OrderWebhook {
  /** Only this API client's endpoints may receive the event. */
  clientId: string;
  orderId: string;
  event: WebhookEvent;
}

/**
 * The spec's webhook bodies for an order lifecycle message: its own event, then `order.updated` when it
 * also carries the status change (`statusChange`; older producers sent OrderUpdated separately). The
 * first event's `event_id` is the Kafka message id and the second's is derived from it, so a redelivered
 * message maps to the same events and receivers can deduplicate on them.
 */
export function toOrderWebhooks(envelope: MessageEnvelope<OrderLifecycleEvent>): OrderWebhook[] {
  const webhook = toOrderWebhook(envelope);
  const change = 'statusChange' in envelope.payload ? envelope.payload.statusChange : undefined;
  if (!change || is(envelope, ORDER_UPDATED)) return [webhook];
  const { orderId, clientId } = envelope.payload;
  const updated = updatedEvent(derivedEventId(envelope.messageId, 'order.updated'), envelope.occurredAt, { orderId, clientId, ...change });
  return [webhook, { clientId, orderId, event: updated }];
}

function updatedEvent(eventId: string, timestamp: string, order: OrderUpdatedEvent): WebhookEvent {
  const data: OrderUpdatedWebhookData = {
    object_type: 'order',
    object_id: order.orderId,
    order_id: order.orderId,
    previous_status: order.previousStatus,
    current_status: order.currentStatus,
    updated_at: order.updatedAt,
    changes: { status: { from: order.previousStatus, to: order.currentStatus } },
  };
  return { event_id: eventId, timestamp, event_type: 'order.updated', data };
}

/** The webhook body of the message's own event (`event_id` is its message id). */
function toOrderWebhook(envelope: MessageEnvelope<OrderLifecycleEvent>): OrderWebhook {
  const base = { event_id: envelope.messageId, timestamp: envelope.occurredAt };
  if (is(envelope, ORDER_CREATED)) {
    const order = envelope.payload;
    const data: OrderCreatedWebhookData = {
      object_type: 'order',
      object_id: order.orderId,
      order_id: order.orderId,
      customer_id: order.customerId,
      total_amount: fromCents(order.totalCents),
      currency: order.currency,
      items: order.items.map((item) => ({ product_id: item.productId, quantity: item.quantity, unit_price: fromCents(item.unitPriceCents) })),
      created_at: order.createdAt,
      status: order.status,
    };
    return { clientId: order.clientId, orderId: order.orderId, event: { ...base, event_type: 'order.created', data } };
  }
  if (is(envelope, ORDER_UPDATED)) {
    const order = envelope.payload;
    return { clientId: order.clientId, orderId: order.orderId, event: updatedEvent(base.event_id, base.timestamp, order) };
  }
  if (is(envelope, ORDER_CANCELLED)) {
    const order = envelope.payload;
    const data: OrderCancelledWebhookData = {
      object_type: 'order',
      object_id: order.orderId,
      order_id: order.orderId,
      customer_id: order.customerId,
      previous_status: order.previousStatus,
      reason: order.reason,
      cancelled_at: order.cancelledAt,
    };
    return { clientId: order.clientId, orderId: order.orderId, event: { ...base, event_type: 'order.cancelled', data } };
  }
  throw new Error(`no webhook event for message type "${envelope.type}"`);
}

function is<T extends object>(envelope: MessageEnvelope<object>, definition: MessageDefinition<T>): envelope is MessageEnvelope<T> {
  return envelope.type === definition.type;
}

/** Money is integer cents on Kafka; the public API speaks decimal amounts. */
function fromCents(cents: number): number {
  return cents / 100;
}
