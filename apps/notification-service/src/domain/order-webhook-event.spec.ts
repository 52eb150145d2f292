import { MessageEnvelope, ORDER_CANCELLED, ORDER_CREATED, ORDER_UPDATED } from '@order-saga/contracts';
import { derivedEventId } from '@order-saga/webhooks';
import { OrderLifecycleEvent, toOrderWebhooks } from './order-webhook-event';

const MESSAGE_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const SENT_AT = '2025-01-15T10:00:05.000Z';

/** The message `type` about order ord_42 of client-a (unless the payload says otherwise), sent as MESSAGE_ID at SENT_AT. */
function envelope(type: string, payload: Partial<OrderLifecycleEvent>): MessageEnvelope<OrderLifecycleEvent> {
  return {
    messageId: MESSAGE_ID,
    type,
    correlationId: 'ord_42',
    causationId: '16fd2706-8baf-433b-82eb-8c7fada847da',
    occurredAt: SENT_AT,
    requestId: 'req-1',
    traceparent: null,
    payload: { orderId: 'ord_42', clientId: 'client-a', ...payload } as OrderLifecycleEvent,
  };
}

/** The webhook event of such a message: its id and time, and `data` about the order ord_42. */
function expectedEvent(eventType: string, data: Record<string, unknown>) {
  return { event_id: MESSAGE_ID, event_type: eventType, timestamp: SENT_AT, data: { object_type: 'order', object_id: 'ord_42', order_id: 'ord_42', ...data } };
}

describe('toOrderWebhooks', () => {
  it('maps OrderCreated to an order.created event with decimal amounts and snake_case fields', () => {
    const [webhook, ...more] = toOrderWebhooks(
      envelope(ORDER_CREATED.type, {
        customerId: 'cust_7',
        status: 'confirmed',
        totalCents: 6998 + 1005,
        currency: 'USD',
        items: [
          { productId: 'SKU-001', quantity: 2, unitPriceCents: 3499 },
          { productId: 'SKU-002', quantity: 1, unitPriceCents: 1005 },
        ],
        createdAt: '2025-01-15T10:00:00.000Z',
      }),
    );

    expect(more).toEqual([]);
    expect(webhook).toEqual({
      clientId: 'client-a',
      orderId: 'ord_42',
      event: expectedEvent('order.created', {
        customer_id: 'cust_7',
        total_amount: 80.03,
        currency: 'USD',
        items: [
          { product_id: 'SKU-001', quantity: 2, unit_price: 34.99 },
          { product_id: 'SKU-002', quantity: 1, unit_price: 10.05 },
        ],
        created_at: '2025-01-15T10:00:00.000Z',
        status: 'confirmed',
      }),
    });
  });

  it('maps OrderUpdated to an order.updated event whose changes name the status transition', () => {
    const [webhook, ...more] = toOrderWebhooks(
      envelope(ORDER_UPDATED.type, {
        previousStatus: 'pending',
        currentStatus: 'confirmed',
        updatedAt: '2025-01-15T10:00:04.000Z',
      }),
    );

    expect(more).toEqual([]);
    expect(webhook.event).toEqual(
      expectedEvent('order.updated', {
        previous_status: 'pending',
        current_status: 'confirmed',
        updated_at: '2025-01-15T10:00:04.000Z',
        changes: { status: { from: 'pending', to: 'confirmed' } },
      }),
    );
  });

  it('maps OrderCancelled to an order.cancelled event carrying the reason', () => {
    const [webhook, ...more] = toOrderWebhooks(
      envelope(ORDER_CANCELLED.type, {
        clientId: 'client-b',
        customerId: 'cust_7',
        previousStatus: 'pending',
        reason: 'PAYMENT_FAILED',
        cancelledAt: '2025-01-15T10:00:03.000Z',
      }),
    );

    expect(more).toEqual([]);
    expect(webhook).toEqual({
      clientId: 'client-b',
      orderId: 'ord_42',
      event: expectedEvent('order.cancelled', {
        customer_id: 'cust_7',
        previous_status: 'pending',
        reason: 'PAYMENT_FAILED',
        cancelled_at: '2025-01-15T10:00:03.000Z',
      }),
    });
  });

  it('gives a redelivered message the same event id and body', () => {
    const message = envelope(ORDER_UPDATED.type, {
      previousStatus: 'pending',
      currentStatus: 'cancelled',
      updatedAt: '2025-01-15T10:00:04.000Z',
    });

    expect(JSON.stringify(toOrderWebhooks({ ...message }))).toBe(JSON.stringify(toOrderWebhooks(message)));
  });

  it('sends order.created then order.updated for an OrderCreated that carries the status change, the second under an id derived from the message', () => {
    const [created, updated, ...more] = toOrderWebhooks(
      envelope(ORDER_CREATED.type, {
        customerId: 'cust_7',
        status: 'confirmed',
        totalCents: 3499,
        currency: 'USD',
        items: [{ productId: 'SKU-001', quantity: 1, unitPriceCents: 3499 }],
        createdAt: '2025-01-15T10:00:00.000Z',
        statusChange: { previousStatus: 'pending', currentStatus: 'confirmed', updatedAt: '2025-01-15T10:00:04.000Z' },
      }),
    );

    expect(more).toEqual([]);
    expect(created.event.event_type).toBe('order.created');
    expect(created.event.event_id).toBe(MESSAGE_ID);
    expect(created.event.data).not.toHaveProperty('statusChange');
    expect(updated).toEqual({
      clientId: 'client-a',
      orderId: 'ord_42',
      event: {
        ...expectedEvent('order.updated', {
          previous_status: 'pending',
          current_status: 'confirmed',
          updated_at: '2025-01-15T10:00:04.000Z',
          changes: { status: { from: 'pending', to: 'confirmed' } },
        }),
        event_id: derivedEventId(MESSAGE_ID, 'order.updated'),
      },
    });
  });

  it('sends order.cancelled then order.updated for an OrderCancelled that carries the status change', () => {
    const webhooks = toOrderWebhooks(
      envelope(ORDER_CANCELLED.type, {
        customerId: 'cust_7',
        previousStatus: 'pending',
        reason: 'INSUFFICIENT_INVENTORY',
        cancelledAt: '2025-01-15T10:00:03.000Z',
        statusChange: { previousStatus: 'pending', currentStatus: 'cancelled', updatedAt: '2025-01-15T10:00:03.000Z' },
      }),
    );

    expect(webhooks.map(({ event }) => [event.event_type, event.data.current_status ?? null])).toEqual([
      ['order.cancelled', null],
      ['order.updated', 'cancelled'],
    ]);
  });

  it('refuses a message type that has no webhook event', () => {
    expect(() => toOrderWebhooks(envelope('ReserveStock', {}))).toThrow(/ReserveStock/);
  });
});
