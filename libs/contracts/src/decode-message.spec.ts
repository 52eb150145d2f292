import { randomUUID } from 'node:crypto';
import { decodeMessage, UndecodableMessageError } from './decode-message';
import { RESERVE_STOCK } from './inventory/reserve-stock/reserve-stock.command';
import { STOCK_RESERVATION_REJECTED } from './inventory/reserve-stock/stock-reservation-rejected.reply';
import { STOCK_RESERVED } from './inventory/reserve-stock/stock-reserved.reply';

function envelope(type: string, payload: unknown) {
  return {
    messageId: randomUUID(),
    type,
    correlationId: 'ORD-ABCDEFGH',
    causationId: null,
    occurredAt: '2026-01-15T10:30:00.000Z',
    requestId: 'req-1',
    traceparent: null,
    payload,
  };
}

describe('decodeMessage', () => {
  it('accepts a valid command given as JSON bytes and types its payload', () => {
    const raw = Buffer.from(JSON.stringify(envelope('ReserveStock', { orderId: 'ORD-ABCDEFGH', items: [{ productId: 'SKU-001', quantity: 2 }] })));

    const { envelope: decoded, definition } = decodeMessage(raw, [RESERVE_STOCK]);

    expect(definition).toBe(RESERVE_STOCK);
    expect(decoded.payload).toBeInstanceOf(RESERVE_STOCK.payload);
    expect(decoded.payload.items[0].quantity).toBe(2);
  });

  it('picks the reply definition named by the envelope type among several on one topic', () => {
    const raw = envelope('StockReservationRejected', {
      orderId: 'ORD-ABCDEFGH',
      reason: 'INSUFFICIENT_INVENTORY',
      shortages: [{ productId: 'SKU-001', requested: 5, available: 1 }],
    });

    const { definition } = decodeMessage(raw, [STOCK_RESERVED, STOCK_RESERVATION_REJECTED]);

    expect(definition.type).toBe('StockReservationRejected');
  });

  it('rejects bytes that are not JSON', () => {
    expect(() => decodeMessage(Buffer.from('{oops'), [RESERVE_STOCK])).toThrow(UndecodableMessageError);
  });

  it('rejects a message type the consumer does not handle', () => {
    expect(() => decodeMessage(envelope('SomethingElse', {}), [RESERVE_STOCK])).toThrow('unexpected message type "SomethingElse"');
  });

  it('names the nested field of an invalid payload', () => {
    const raw = envelope('ReserveStock', { orderId: 'ORD-ABCDEFGH', items: [{ productId: 'SKU-001', quantity: 0 }] });

    expect(() => decodeMessage(raw, [RESERVE_STOCK])).toThrow(/items\[0\]\.quantity/);
  });

  it('rejects an envelope without a message id', () => {
    const raw = { ...envelope('ReserveStock', { orderId: 'O', items: [{ productId: 'S', quantity: 1 }] }), messageId: undefined };

    expect(() => decodeMessage(raw, [RESERVE_STOCK])).toThrow(/messageId/);
  });
});
