import { readDeadLetterMessage } from './dead-letter-message';

const envelope = {
  messageId: '6f1c2b1e-4d3a-4c39-9f0e-2b1d7a0c5e11',
  type: 'ReserveStock',
  correlationId: 'ORD-12345678',
  causationId: null,
  occurredAt: '2026-01-15T10:30:00.000Z',
  requestId: 'req-1',
  traceparent: null,
  payload: { orderId: 'ORD-12345678', items: [{ productId: 'SKU-1', quantity: 2 }] },
};
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('reading a dead letter: what operators see and what a redrive would put back', () => {
  it('redrives an envelope as it is, under its own key, and names its message id and type', () => {
    const read = readDeadLetterMessage(bytes('ORD-12345678'), bytes(envelope));

    expect(read).toEqual({
      key: 'ORD-12345678',
      payload: envelope,
      rawValue: null,
      messageId: envelope.messageId,
      messageType: 'ReserveStock',
      redrive: { key: 'ORD-12345678', messageType: 'ReserveStock', envelope },
      notRedrivableReason: null,
    });
  });

  it('keys a message that had no key by its correlation id, as the outbox keys every message', () => {
    expect(readDeadLetterMessage(null, bytes(envelope)).redrive?.key).toBe('ORD-12345678');
  });

  it('redrives an envelope whose payload its consumer refused: whether it is valid now is for the fixed consumer to say', () => {
    const invalidPayload = { ...envelope, payload: { orderId: 42 } };

    expect(readDeadLetterMessage(null, bytes(invalidPayload)).redrive?.envelope).toEqual(invalidPayload);
  });

  it.each([
    ['no value at all', null, 'it has no value', null],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'its value is not UTF-8 text', '{\ufffd\ufffd}'],
    ['text that is not JSON', bytes('{"not":"an envelope"'), 'its value is not JSON', '{"not":"an envelope"'],
    ['JSON that is not an object', bytes('[1,2]'), 'its value is not a JSON object (a message envelope)', '[1,2]'],
  ])('shows %s as text and refuses to redrive it', (_case, value, reason, rawValue) => {
    const read = readDeadLetterMessage(bytes('k'), value);

    expect(read).toMatchObject({ key: 'k', payload: null, rawValue, redrive: null, notRedrivableReason: reason });
  });

  it.each([
    ['no messageId', { ...envelope, messageId: undefined }, 'its envelope has no messageId (a UUID), so its consumers could not apply it only once'],
    [
      'a messageId that is not a UUID',
      { ...envelope, messageId: 'msg-1' },
      'its envelope has no messageId (a UUID), so its consumers could not apply it only once',
    ],
    ['no type', { ...envelope, type: '' }, 'its envelope has no type'],
    ['no correlationId', { ...envelope, correlationId: null }, 'its envelope has no correlationId'],
    [
      'a NUL character, which jsonb refuses',
      { ...envelope, payload: { note: 'a\u0000b' } },
      'its value holds a NUL character, which the outbox (jsonb) cannot store',
    ],
  ])('shows an object with %s as its payload, and refuses to redrive it', (_case, value, reason) => {
    const read = readDeadLetterMessage(null, bytes(value));

    expect(read.payload).toEqual(JSON.parse(JSON.stringify(value)));
    expect(read).toMatchObject({ redrive: null, notRedrivableReason: reason });
  });

  it('refuses an envelope under a key that is not UTF-8: the outbox keys by text', () => {
    const read = readDeadLetterMessage(Buffer.from([0xff]), bytes(envelope));

    expect(read).toMatchObject({ messageId: envelope.messageId, redrive: null, notRedrivableReason: 'its key is not UTF-8 text' });
  });
});
