import { pollUntil } from '@order-saga/shared/testing';
import { apiCall, createCustomer, createProduct, queryDatabase, shippingAddress } from './support/api';
import { E2E_CLIENTS } from './support/e2e-stack';

interface TimelineEntry {
  kind: string;
  name: string;
  message_id: string | null;
  detail: Record<string, unknown> | null;
  occurred_at: string;
}

interface Track {
  order_id: string;
  status: string;
  saga_state: string;
  failure_reason: string | null;
  step_deadline_at: string | null;
  timeline: TimelineEntry[];
}

/**
 * GET /api/v1/orders/{id}/track through the gateway: the saga's timeline for a confirmed, a rejected
 * (insufficient stock) and a compensated (declined payment) order, with every command, reply,
 * compensation and outcome, each timestamped, in order.
 */
describe('GET /api/v1/orders/:id/track — the saga timeline through the gateway', () => {
  let customerId: string;

  beforeAll(async () => {
    customerId = await createCustomer(E2E_CLIENTS.writer.id);
  });

  const placeOrder = (customer: string, productId: string, quantity: number) =>
    apiCall('writer', 'POST', '/orders', { body: { customer_id: customer, items: [{ product_id: productId, quantity }], shipping_address: shippingAddress } });
  const track = (orderId: string) => apiCall<Track>('writer', 'GET', `/orders/${orderId}/track`);
  const steps = (body: Track) => body.timeline.map(({ kind, name }) => `${kind}:${name}`);
  /**
   * Places an order the saga cancels, expects the gateway's `answer` status, and returns the order's track,
   * checked to be the cancelled order's with the saga's end state and reason and no deadline left.
   */
  const cancelledOrderTrack = async (
    customer: string,
    productId: string,
    quantity: number,
    expected: { answer: number; saga_state: string; failure_reason: string },
  ): Promise<Track> => {
    const placed = await placeOrder(customer, productId, quantity);
    expect(placed.status).toBe(expected.answer);
    const orderId = placed.body.order_id as string;
    const response = await track(orderId);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      order_id: orderId,
      status: 'cancelled',
      saga_state: expected.saga_state,
      failure_reason: expected.failure_reason,
      step_deadline_at: null,
    });
    return response.body;
  };
  const expectTimestampsInOrder = (body: Track) => {
    const times = body.timeline.map((entry) => Date.parse(entry.occurred_at));
    expect(times.every((time) => !Number.isNaN(time))).toBe(true);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  };

  it('a confirmed order: reserve, charge, confirm, and the reservation confirmed so it never expires', async () => {
    const productId = await createProduct(5, 12.5);
    const placed = await placeOrder(customerId, productId, 2);
    expect(placed.status).toBe(201);
    const orderId = placed.body.order_id as string;

    // The outcome is the saga's last step; inventory confirms the reservation on the OrderCreated it publishes.
    const response = await pollUntil(
      async () => {
        const reply = await track(orderId);
        return steps(reply.body).includes('outcome:OrderConfirmed') ? reply : undefined;
      },
      { description: `the confirmed timeline of ${orderId}` },
    );

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ order_id: orderId, status: 'confirmed', saga_state: 'CONFIRMED', failure_reason: null, step_deadline_at: null });
    expect(steps(response.body)).toEqual([
      'command:ReserveStock',
      'reply:StockReserved',
      'command:ProcessPayment',
      'reply:PaymentSucceeded',
      'outcome:OrderConfirmed',
    ]);
    expect(response.body.timeline.filter((entry) => entry.kind !== 'outcome').every((entry) => typeof entry.message_id === 'string')).toBe(true);
    expect(response.body.timeline.find((entry) => entry.name === 'ProcessPayment')?.detail).toMatchObject({ amountCents: 2500 });
    expectTimestampsInOrder(response.body);

    const confirmed = await pollUntil(
      async () => {
        const [row] = await queryDatabase<{ confirmed_at: Date | null }>('E2E_INVENTORY_DB', 'SELECT confirmed_at FROM reservation WHERE order_id = $1', [
          orderId,
        ]);
        return row?.confirmed_at ?? undefined;
      },
      { description: `inventory to confirm the reservation of ${orderId}` },
    );
    expect(confirmed).toBeInstanceOf(Date);
  });

  it('a rejected order (insufficient stock): the reservation was refused, nothing to compensate', async () => {
    const productId = await createProduct(1);

    const body = await cancelledOrderTrack(customerId, productId, 3, { answer: 409, saga_state: 'REJECTED', failure_reason: 'insufficient_inventory' });

    expect(steps(body)).toEqual(['command:ReserveStock', 'reply:StockReservationRejected', 'outcome:OrderCancelled']);
    expect(body.timeline[1].detail).toMatchObject({ reason: 'INSUFFICIENT_INVENTORY', shortages: [{ productId, requested: 3, available: 1 }] });
    expect(body.timeline[2].detail).toMatchObject({ failureCode: 'INSUFFICIENT_INVENTORY' });
    expectTimestampsInOrder(body);
  });

  it('a compensated order (declined payment): the release is on the timeline before the cancellation', async () => {
    const productId = await createProduct(4);
    const declining = await createCustomer(E2E_CLIENTS.writer.id, `CUST-${Date.now()}-DECLINE`);

    const body = await cancelledOrderTrack(declining, productId, 1, { answer: 402, saga_state: 'COMPENSATED', failure_reason: 'payment_declined' });

    expect(steps(body)).toEqual([
      'command:ReserveStock',
      'reply:StockReserved',
      'command:ProcessPayment',
      'reply:PaymentDeclined',
      'compensation:ReleaseStock',
      'reply:StockReleased',
      'outcome:OrderCancelled',
    ]);
    expect(body.timeline.find((entry) => entry.name === 'PaymentDeclined')?.detail).toMatchObject({ declineCode: 'card_declined' });
    expect(body.timeline.find((entry) => entry.kind === 'compensation')?.detail).toMatchObject({ attempt: 1 });
    expectTimestampsInOrder(body);
  });

  it('an unknown order: 404 NOT_FOUND in the spec error format', async () => {
    const response = await apiCall('writer', 'GET', '/orders/ORD-NOPE0000/track', { requestId: 'req-track-404' });

    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error_code: 'NOT_FOUND', request_id: 'req-track-404' });
    expect(Date.parse(response.body.timestamp as string)).not.toBeNaN();
  });
});
