import { canonicalJson, IDEMPOTENCY_KEY_TTL_MS, judgeIdempotencyKey, requestFingerprint } from './idempotency';

const createdAt = new Date('2026-01-15T10:00:00Z');
const later = (ms: number) => new Date(createdAt.getTime() + ms);

describe('requestFingerprint', () => {
  it('is the same for one body whatever the order of its fields', () => {
    const a = { customer_id: 'C-1', items: [{ product_id: 'SKU-1', quantity: 2 }] };
    const b = { items: [{ quantity: 2, product_id: 'SKU-1' }], customer_id: 'C-1' };

    expect(requestFingerprint(a)).toBe(requestFingerprint(b));
  });

  it('differs when a value differs, including the order of items', () => {
    const base = {
      customer_id: 'C-1',
      items: [
        { product_id: 'SKU-1', quantity: 2 },
        { product_id: 'SKU-2', quantity: 1 },
      ],
    };

    expect(requestFingerprint({ ...base, customer_id: 'C-2' })).not.toBe(requestFingerprint(base));
    expect(requestFingerprint({ ...base, items: [...base.items].reverse() })).not.toBe(requestFingerprint(base));
  });

  it('ignores undefined fields, as JSON would', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });
});

describe('judgeIdempotencyKey', () => {
  const order = (status: string, hash = 'h1') => ({ status, createdAt, idempotencyRequestHash: hash });

  it('replays a finished order sent again with the same body', () => {
    expect(judgeIdempotencyKey(order('confirmed'), 'h1', later(1000))).toBe('replay');
    expect(judgeIdempotencyKey(order('cancelled'), 'h1', later(1000))).toBe('replay');
  });

  it('reports an order whose saga still runs as in flight', () => {
    expect(judgeIdempotencyKey(order('pending'), 'h1', later(1000))).toBe('in-flight');
  });

  it('refuses another body under the same key, even while in flight', () => {
    expect(judgeIdempotencyKey(order('confirmed'), 'h2', later(1000))).toBe('mismatch');
    expect(judgeIdempotencyKey(order('pending'), 'h2', later(1000))).toBe('mismatch');
  });

  it('frees the key exactly 24 hours after the order was created', () => {
    expect(judgeIdempotencyKey(order('confirmed'), 'h2', later(IDEMPOTENCY_KEY_TTL_MS - 1))).toBe('mismatch');
    expect(judgeIdempotencyKey(order('confirmed'), 'h2', later(IDEMPOTENCY_KEY_TTL_MS))).toBe('expired');
  });
});
