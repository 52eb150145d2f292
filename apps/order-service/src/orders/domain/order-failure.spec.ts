import { orderFailureError, storedFailure } from './order-failure';

const LINES = [
  { lineNo: 0, productId: 'SKU-1', requestedUnitPriceCents: 1000 },
  { lineNo: 1, productId: 'SKU-2', requestedUnitPriceCents: null },
];

describe('OrderFailure → the API error', () => {
  it('a stock shortage names the quantity of each short line', () => {
    const error = orderFailureError(
      'ORD-1',
      { code: 'INSUFFICIENT_INVENTORY', details: { reason: 'INSUFFICIENT_INVENTORY', shortages: [{ productId: 'SKU-2', requested: 3, available: 1 }] } },
      LINES,
    );
    expect(error).toMatchObject({
      code: 'INSUFFICIENT_INVENTORY',
      details: [{ field: 'items[1].quantity', error: 'Only 1 of SKU-2 available' }],
      extra: { order_id: 'ORD-1' },
    });
  });

  it('an unknown product says it does not exist', () => {
    const error = orderFailureError(
      'ORD-1',
      { code: 'INSUFFICIENT_INVENTORY', details: { reason: 'UNKNOWN_PRODUCT', shortages: [{ productId: 'SKU-1', requested: 1, available: 0 }] } },
      LINES,
    );
    expect(error.details).toEqual([{ field: 'items[0].quantity', error: 'Product SKU-1 does not exist' }]);
  });

  it('a price mismatch names the unit price of the line the catalog disagrees with', () => {
    const error = orderFailureError(
      'ORD-1',
      {
        code: 'VALIDATION_ERROR',
        details: { reason: 'PRICE_MISMATCH', priceMismatches: [{ productId: 'SKU-1', expectedUnitPriceCents: 1000, catalogUnitPriceCents: 1250 }] },
      },
      LINES,
    );
    expect(error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ field: 'items[0].unit_price', error: 'Catalog price of SKU-1 is 12.50, not 10.00' }] });
  });

  it('a declined payment carries the decline code', () => {
    const error = orderFailureError('ORD-1', { code: 'PAYMENT_FAILED', details: { declineCode: 'insufficient_funds', message: 'Insufficient funds' } }, LINES);
    expect(error).toMatchObject({
      code: 'PAYMENT_FAILED',
      message: 'Payment was declined: Insufficient funds; the stock reservation was released',
      extra: { order_id: 'ORD-1', decline_code: 'insufficient_funds' },
    });
  });

  it('timeouts answer with their own codes', () => {
    expect(orderFailureError('ORD-1', { code: 'INVENTORY_TIMEOUT', details: { reason: 'inventory_timeout' } }, LINES).code).toBe('INVENTORY_TIMEOUT');
    expect(orderFailureError('ORD-1', { code: 'PAYMENT_TIMEOUT', details: { reason: 'payment_timeout' } }, LINES).code).toBe('PAYMENT_TIMEOUT');
  });

  it('an order an operator cancelled answers CANCELLED_BY_OPERATOR, naming the order', () => {
    expect(orderFailureError('ORD-1', { code: 'CANCELLED_BY_OPERATOR', details: { reason: 'operator_cancelled' } }, LINES)).toMatchObject({
      code: 'CANCELLED_BY_OPERATOR',
      message: 'An operator cancelled the order; any charge was refunded and any reserved stock released',
      extra: { order_id: 'ORD-1' },
    });
  });

  it('a cancelled order without a stored failure is a CONFLICT', () => {
    expect(orderFailureError('ORD-1', storedFailure(null, null), LINES)).toMatchObject({ code: 'CONFLICT', message: 'Order ORD-1 was cancelled' });
  });

  it('reads the two stored columns back as the one type', () => {
    expect(storedFailure('PAYMENT_FAILED', { declineCode: 'x', message: 'y' })).toEqual({
      code: 'PAYMENT_FAILED',
      details: { declineCode: 'x', message: 'y' },
    });
  });
});
