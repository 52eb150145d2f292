import { evaluate, Snapshot } from './invariants';

/** Two orders on one product with 10 in stock: o1 confirmed (2 sold), o2 declined and released. */
function settled(): Snapshot {
  return {
    planned: [
      { index: 0, kind: 'success', idempotencyKey: 'k1', customerId: 'C1', items: [{ product_id: 'P', quantity: 2 }] },
      { index: 1, kind: 'declined', idempotencyKey: 'k2', customerId: 'C2-DECLINE', items: [{ product_id: 'P', quantity: 3 }] },
    ],
    outcomes: [
      { idempotencyKey: 'k1', finalStatus: 201, orderId: 'o1', attempts: 2 },
      { idempotencyKey: 'k2', finalStatus: 402, errorCode: 'PAYMENT_FAILED', orderId: 'o2', attempts: 1 },
    ],
    initialStock: { P: 10 },
    orders: [
      { orderId: 'o1', status: 'confirmed', failureCode: null, idempotencyKey: 'k1' },
      { orderId: 'o2', status: 'cancelled', failureCode: 'PAYMENT_FAILED', idempotencyKey: 'k2' },
    ],
    products: [{ productId: 'P', available: 8, reserved: 2 }],
    reservationLines: [
      { reservationId: 'r1', orderId: 'o1', status: 'reserved', productId: 'P', quantity: 2 },
      { reservationId: 'r2', orderId: 'o2', status: 'released', productId: 'P', quantity: 3 },
    ],
    payments: [
      { orderId: 'o1', status: 'succeeded', charged: true, refunded: false },
      { orderId: 'o2', status: 'declined', charged: false, refunded: false },
    ],
    lifecycleEvents: [
      { messageId: 'e1', orderId: 'o1', type: 'OrderUpdated' },
      { messageId: 'e2', orderId: 'o2', type: 'OrderCancelled' },
    ],
    webhooks: [
      { eventId: 'e1', eventType: 'order.updated', orderId: 'o1', status: 'confirmed', signatureValid: true },
      { eventId: 'e1', eventType: 'order.updated', orderId: 'o1', status: 'confirmed', signatureValid: true },
      { eventId: 'e2', eventType: 'order.cancelled', orderId: 'o2', status: 'cancelled', signatureValid: true },
    ],
    deadLetters: [{ source: 'orders.dead_letter', count: 0 }],
  };
}

describe('evaluate', () => {
  it('finds nothing wrong in a settled run and counts sold stock from confirmed reservations', () => {
    const { figures, violations } = evaluate(settled());

    expect(violations).toEqual([]);
    expect(figures.products).toEqual([{ productId: 'P', initial: 10, available: 8, reserved: 0, sold: 2, ok: true }]);
    expect(figures.eventsDuplicated).toBe(1);
    expect(figures.terminal).toBe(2);
  });

  it('accepts inventory that moves confirmed stock out of the reserved counter', () => {
    const snapshot = settled();
    snapshot.products = [{ productId: 'P', available: 8, reserved: 0 }];
    snapshot.reservationLines[0].status = 'confirmed';

    expect(evaluate(snapshot).violations).toEqual([]);
  });

  it('reports an order that is still pending as stuck', () => {
    const snapshot = settled();
    snapshot.orders[0].status = 'pending';
    snapshot.outcomes[0] = { idempotencyKey: 'k1', finalStatus: 202, orderId: 'o1', attempts: 1 };

    const { figures, violations } = evaluate(snapshot);

    expect(figures.stuck).toBe(1);
    expect(violations.join('\n')).toMatch(/1 order\(s\) not terminal: o1/);
  });

  it('reports a second charge without a refund, and accepts it once refunded', () => {
    const snapshot = settled();
    snapshot.payments.push({ orderId: 'o1', status: 'succeeded', charged: true, refunded: false });
    expect(evaluate(snapshot).figures.doubleCharged).toEqual(['o1']);

    snapshot.payments[2].refunded = true;
    expect(evaluate(snapshot).violations).toEqual([]);
  });

  it('reports a cancelled order whose charge was kept', () => {
    const snapshot = settled();
    snapshot.payments[1] = { orderId: 'o2', status: 'succeeded', charged: true, refunded: false };

    expect(evaluate(snapshot).figures.cancelledButCharged).toEqual(['o2']);
  });

  it('reports a reservation still held for a cancelled order and the broken stock sum', () => {
    const snapshot = settled();
    snapshot.reservationLines[1].status = 'reserved';
    snapshot.products = [{ productId: 'P', available: 5, reserved: 5 }];

    const { figures, violations } = evaluate(snapshot);

    expect(figures.leakedReservations).toEqual(['o2']);
    expect(figures.products[0]).toMatchObject({ available: 5, reserved: 3, sold: 2, ok: true });
    expect(violations.join('\n')).toMatch(/still held for orders that are not confirmed: o2/);
  });

  it('reports stock that appeared or vanished', () => {
    const snapshot = settled();
    snapshot.products = [{ productId: 'P', available: 9, reserved: 2 }];

    expect(evaluate(snapshot).violations.join('\n')).toMatch(/P: available 9 \+ reserved 0 \+ sold 2 = 11 ≠ initial 10/);
  });

  it('reports an order event the receiver never got, and an outcome no webhook announced', () => {
    const snapshot = settled();
    snapshot.webhooks = snapshot.webhooks.filter((webhook) => webhook.eventId !== 'e2');

    const { figures } = evaluate(snapshot);

    expect(figures.eventsMissing).toEqual(['e2']);
    expect(figures.ordersWithoutTerminalEvent).toEqual(['o2']);
  });

  it('reports a client told "confirmed" for an order that ended cancelled', () => {
    const snapshot = settled();
    snapshot.orders[0] = { ...snapshot.orders[0], status: 'cancelled', failureCode: 'SAGA_TIMED_OUT' };
    snapshot.reservationLines[0].status = 'released';
    snapshot.products = [{ productId: 'P', available: 10, reserved: 0 }];
    snapshot.payments[0].refunded = true;
    snapshot.webhooks.push({ eventId: 'e3', eventType: 'order.cancelled', orderId: 'o1', status: 'cancelled', signatureValid: true });

    expect(evaluate(snapshot).violations).toEqual(['k1 (order o1): the client was told confirmed (201) but the order ended cancelled:SAGA_TIMED_OUT']);
  });

  it('reports dead-lettered messages and requests that never got an answer', () => {
    const snapshot = settled();
    snapshot.deadLetters = [{ source: 'payments.dead_letter', count: 2 }];
    snapshot.outcomes[1] = { idempotencyKey: 'k2', finalStatus: 'gave-up', attempts: 40 };

    const violations = evaluate(snapshot).violations.join('\n');

    expect(violations).toMatch(/2 message\(s\) dead-lettered: payments.dead_letter 2/);
    expect(violations).toMatch(/k2 \(order o2\): the client never got a final answer/);
  });
});

describe('evaluate, retries meeting their own earlier attempt', () => {
  it('accepts any ending for an order answered "still in flight", like a 202', () => {
    const snapshot = settled();
    snapshot.outcomes[0] = { idempotencyKey: 'k1', finalStatus: 409, errorCode: 'CONFLICT', inFlight: true, orderId: 'o1', attempts: 2 };

    const { figures, violations } = evaluate(snapshot);

    expect(violations).toEqual([]);
    expect(figures.clientAnswers['409 in-flight']).toBe(1);
  });
});
