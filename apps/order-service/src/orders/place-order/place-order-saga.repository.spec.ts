import { decide, SagaTiming } from '../domain/place-order.saga';
import { recordAfter, SagaRecord } from './place-order-saga.repository';

const timing: SagaTiming = { now: new Date('2026-01-01T00:00:00Z'), stepTimeoutMs: 30_000, compensationRetryMs: 10_000 };
const createdAt = new Date('2025-12-31T23:59:59Z');

const reserving = (lines: SagaRecord['order']['lines']): SagaRecord => ({
  sagaId: 'saga-1',
  orderId: 'ORD-1',
  version: 1,
  createdAt,
  view: {
    state: 'RESERVING_STOCK',
    reservationId: null,
    paymentId: null,
    stepDeadlineAt: new Date('2026-01-01T00:00:30Z'),
    stepAttempts: 1,
    failureReason: null,
    stockReleased: false,
    orderStatus: 'pending',
    orderFailure: null,
  },
  order: { clientId: 'client', customerId: 'CUST-1', totalCents: null, createdAt, lines },
});

const reserved = {
  orderId: 'ORD-1',
  reservationId: 'res-1',
  items: [{ productId: 'SKU-1', quantity: 2, unitPriceCents: 1250 }],
  totalCents: 2500,
  currency: 'USD' as const,
};

/** recordAfter is what the next step decides on instead of reading the saga: it must be what the step's statement wrote. */
describe('recordAfter: the saga as a step left it', () => {
  it('StockReserved: next version, the saga row as decided, the order priced line by line', () => {
    const before = reserving([
      { productId: 'SKU-1', quantity: 2, unitPriceCents: null },
      { productId: 'SKU-2', quantity: 1, unitPriceCents: null },
    ]);
    const decision = decide(before.view, { type: 'StockReserved', reply: reserved }, timing);

    const after = recordAfter(before, decision);

    expect(after.version).toBe(2);
    expect(after.view).toEqual({ ...decision.saga, orderStatus: 'pending', orderFailure: null });
    expect(after.order).toEqual({
      ...before.order,
      totalCents: 2500,
      lines: [
        { productId: 'SKU-1', quantity: 2, unitPriceCents: 1250 },
        { productId: 'SKU-2', quantity: 1, unitPriceCents: null },
      ],
    });
  });

  it('a saga read from the database without its lines stays without them', () => {
    const before = reserving(null);
    const after = recordAfter(before, decide(before.view, { type: 'StockReserved', reply: reserved }, timing));

    expect(after.order.lines).toBeNull();
    expect(after.order.totalCents).toBe(2500);
  });

  it('a rejection: the order cancelled with the failure as its jsonb column reads back (undefined fields gone)', () => {
    const before = reserving([{ productId: 'SKU-1', quantity: 2, unitPriceCents: null }]);
    const decision = decide(
      before.view,
      { type: 'StockReservationRejected', reply: { orderId: 'ORD-1', reason: 'PRICE_MISMATCH', shortages: [], priceMismatches: undefined } },
      timing,
    );

    const after = recordAfter(before, decision);

    expect(after.view).toMatchObject({ state: 'REJECTED', orderStatus: 'cancelled', failureReason: 'price_mismatch' });
    expect(after.view.orderFailure).toEqual({ code: 'VALIDATION_ERROR', details: { reason: 'PRICE_MISMATCH', priceMismatches: [] } });
  });

  it('a payment decline keeps the order pending and records its failure for the compensation to cancel with', () => {
    const priced = recordAfter(reserving(null), decide(reserving(null).view, { type: 'StockReserved', reply: reserved }, timing));
    const decision = decide(
      priced.view,
      { type: 'PaymentDeclined', reply: { orderId: 'ORD-1', paymentId: 'pay-1', declineCode: 'card_declined', message: 'declined' } },
      timing,
    );

    const after = recordAfter(priced, decision);

    expect(after.version).toBe(3);
    expect(after.view).toMatchObject({
      state: 'RELEASING_STOCK',
      orderStatus: 'pending',
      orderFailure: { code: 'PAYMENT_FAILED', details: { declineCode: 'card_declined', message: 'declined' } },
    });
    expect(after.order.totalCents).toBe(2500);
  });
});
