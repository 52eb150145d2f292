import { randomUUID } from 'node:crypto';
import * as contracts from './index';
import { decodeMessage, UndecodableMessageError } from './decode-message';
import { RESERVE_STOCK } from './inventory/reserve-stock/reserve-stock.command';
import { STOCK_RESERVATION_REJECTED } from './inventory/reserve-stock/stock-reservation-rejected.reply';
import { STOCK_RESERVED } from './inventory/reserve-stock/stock-reserved.reply';
import { MessageDefinition } from './message-definition';

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

/** The problem lines an undecodable message is dead-lettered with. */
function problemsOf(decode: () => unknown): { message: string; problems: string[] } {
  try {
    decode();
  } catch (error) {
    if (error instanceof UndecodableMessageError) return { message: error.message, problems: error.problems };
    throw error;
  }
  throw new Error('the message was decoded');
}

const reserveStock = { orderId: 'ORD-ABCDEFGH', items: [{ productId: 'SKU-001', quantity: 2 }] };

describe('decodeMessage', () => {
  it('accepts a valid command given as JSON bytes and types its payload', () => {
    const raw = Buffer.from(JSON.stringify(envelope('ReserveStock', reserveStock)));

    const { envelope: decoded, definition } = decodeMessage(raw, [RESERVE_STOCK]);

    expect(definition).toBe(RESERVE_STOCK);
    expect(decoded.payload).toBeInstanceOf(RESERVE_STOCK.payload);
    expect(decoded.payload.items[0].quantity).toBe(2);
  });

  it('picks the reply definition named by the envelope type among several on one topic, its payload an instance of that class', () => {
    const raw = envelope('StockReservationRejected', {
      orderId: 'ORD-ABCDEFGH',
      reason: 'INSUFFICIENT_INVENTORY',
      shortages: [{ productId: 'SKU-001', requested: 5, available: 1 }],
    });

    const { envelope: decoded, definition } = decodeMessage(raw, [STOCK_RESERVED, STOCK_RESERVATION_REJECTED]);

    expect(definition.type).toBe('StockReservationRejected');
    expect(decoded.payload).toBeInstanceOf(STOCK_RESERVATION_REJECTED.payload);
    expect(decoded.payload).not.toBeInstanceOf(STOCK_RESERVED.payload);
  });

  it('rejects bytes that are not JSON', () => {
    expect(() => decodeMessage(Buffer.from('{oops'), [RESERVE_STOCK])).toThrow(new UndecodableMessageError('message value is not JSON'));
  });

  it('rejects JSON that is not an object', () => {
    expect(() => decodeMessage(Buffer.from('42'), [RESERVE_STOCK])).toThrow('message value is not a JSON object');
    expect(problemsOf(() => decodeMessage(Buffer.from('[]'), [RESERVE_STOCK])).message).toMatch(/^invalid envelope/);
  });

  it('rejects a message type the consumer does not handle', () => {
    expect(() => decodeMessage(envelope('SomethingElse', {}), [RESERVE_STOCK])).toThrow('unexpected message type "SomethingElse"');
  });

  it('reports a broken envelope before an unknown type', () => {
    const raw = { ...envelope('SomethingElse', {}), messageId: 'm-1' };

    expect(problemsOf(() => decodeMessage(raw, [RESERVE_STOCK]))).toEqual({
      message: 'invalid envelope: messageId: must match format "uuid"',
      problems: ['messageId: must match format "uuid"'],
    });
  });

  it('names the nested field of an invalid payload', () => {
    const raw = envelope('ReserveStock', { orderId: 'ORD-ABCDEFGH', items: [{ productId: 'SKU-001', quantity: 0 }] });

    expect(() => decodeMessage(raw, [RESERVE_STOCK])).toThrow(/items\[0\]\.quantity/);
  });

  it('lists every problem of a payload, each by its path through nested arrays', () => {
    const raw = envelope('ReserveStock', {
      items: [
        { productId: 'SKU-001', quantity: 1.5 },
        { productId: '', quantity: 1, expectedUnitPriceCents: -1 },
      ],
    });

    expect(problemsOf(() => decodeMessage(raw, [RESERVE_STOCK]))).toEqual({
      message: expect.stringMatching(/^invalid ReserveStock payload: /),
      problems: [
        'orderId: is required',
        'items[0].quantity: must be integer',
        'items[1].expectedUnitPriceCents: must be >= 0',
        'items[1].productId: must NOT have fewer than 1 characters',
      ],
    });
  });

  it('names the field of an optional nested array, without the null it may also be', () => {
    const raw = envelope('StockReservationRejected', {
      orderId: 'ORD-ABCDEFGH',
      reason: 'PRICE_MISMATCH',
      shortages: [],
      priceMismatches: [{ productId: 'SKU-001', expectedUnitPriceCents: 650, catalogUnitPriceCents: '700' }],
    });

    expect(problemsOf(() => decodeMessage(raw, [STOCK_RESERVATION_REJECTED])).problems).toEqual(['priceMismatches[0].catalogUnitPriceCents: must be integer']);
  });

  it('rejects an envelope without a message id', () => {
    const raw = { ...envelope('ReserveStock', { orderId: 'O', items: [{ productId: 'S', quantity: 1 }] }), messageId: undefined };

    expect(() => decodeMessage(raw, [RESERVE_STOCK])).toThrow(/messageId/);
  });

  it('reports the envelope, not the payload, when both are invalid or the payload is not an object', () => {
    const both = { ...envelope('ReserveStock', { items: [] }), causationId: 'not-a-uuid', occurredAt: 'yesterday' };
    const notAnObject = envelope('ReserveStock', [reserveStock]);

    expect(problemsOf(() => decodeMessage(both, [RESERVE_STOCK]))).toEqual({
      message: expect.stringMatching(/^invalid envelope: /),
      problems: ['causationId: must match format "uuid"', 'occurredAt: must match format "date" or must match format "date-time"'],
    });
    expect(problemsOf(() => decodeMessage(notAnObject, [RESERVE_STOCK])).problems).toEqual(['payload: must be object']);
  });

  it('accepts null and absence for optional fields', () => {
    const raw = {
      ...envelope('ReserveStock', { orderId: 'O', items: [{ productId: 'S', quantity: 1, expectedUnitPriceCents: null }] }),
      requestId: undefined,
      causationId: randomUUID(),
    };

    expect(decodeMessage(raw, [RESERVE_STOCK]).envelope.payload.items[0].expectedUnitPriceCents).toBeNull();
  });

  it('keeps fields it does not know, in the envelope, the payload and its lines: a producer may add one before its consumers know it', () => {
    const raw = {
      ...envelope('ReserveStock', { ...reserveStock, channel: 'web', items: [{ productId: 'SKU-001', quantity: 2, note: 'gift' }] }),
      tenant: 't-1',
    };

    const decoded = decodeMessage(Buffer.from(JSON.stringify(raw)), [RESERVE_STOCK]).envelope;

    expect(decoded).toMatchObject({ tenant: 't-1', payload: { channel: 'web', items: [{ productId: 'SKU-001', quantity: 2, note: 'gift' }] } });
  });

  it('leaves an object given to it as it was', () => {
    const raw = envelope('ReserveStock', reserveStock);
    const before = structuredClone(raw);

    const decoded = decodeMessage(raw, [RESERVE_STOCK]).envelope;

    expect(raw).toEqual(before);
    expect(Object.getPrototypeOf(raw.payload)).toBe(Object.prototype);
    expect(decoded.payload).not.toBe(raw.payload);
  });

  it('compiles the schema of every message the contracts define', () => {
    const definitions = (Object.values(contracts) as unknown[]).filter(
      (value): value is MessageDefinition => typeof value === 'object' && value !== null && 'payload' in value && 'topic' in value,
    );

    expect(definitions.length).toBeGreaterThanOrEqual(15);
    for (const definition of definitions) {
      expect(problemsOf(() => decodeMessage({ type: definition.type }, [definition])).message).toMatch(/^invalid envelope: messageId: is required/);
    }
  });
});
