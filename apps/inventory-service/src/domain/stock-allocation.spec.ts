import { allocateStock } from './stock-allocation';

const stock = [
  { productId: 'SKU-001', available: 5, unitPriceCents: 2999, active: true },
  { productId: 'SKU-002', available: 1, unitPriceCents: 1000, active: true },
  { productId: 'SKU-OLD', available: 9, unitPriceCents: 100, active: false },
];

describe('allocateStock', () => {
  it('allocates every line at catalog prices and totals them', () => {
    const allocation = allocateStock(
      [
        { productId: 'SKU-001', quantity: 2 },
        { productId: 'SKU-002', quantity: 1 },
      ],
      stock,
    );

    expect(allocation).toEqual({
      ok: true,
      totalCents: 2 * 2999 + 1000,
      lines: [
        { productId: 'SKU-001', quantity: 2, unitPriceCents: 2999 },
        { productId: 'SKU-002', quantity: 1, unitPriceCents: 1000 },
      ],
    });
  });

  it('rejects the whole order when one line is short, naming only the short line', () => {
    const allocation = allocateStock(
      [
        { productId: 'SKU-001', quantity: 1 },
        { productId: 'SKU-002', quantity: 2 },
      ],
      stock,
    );

    expect(allocation).toEqual({
      ok: false,
      reason: 'INSUFFICIENT_INVENTORY',
      shortages: [{ productId: 'SKU-002', requested: 2, available: 1 }],
    });
  });

  it('sums lines of the same product before checking stock', () => {
    const allocation = allocateStock(
      [
        { productId: 'SKU-001', quantity: 3 },
        { productId: 'SKU-001', quantity: 3 },
      ],
      stock,
    );

    expect(allocation).toMatchObject({ ok: false, shortages: [{ productId: 'SKU-001', requested: 6, available: 5 }] });
  });

  it('treats unknown and inactive products as unknown', () => {
    const allocation = allocateStock(
      [
        { productId: 'SKU-404', quantity: 1 },
        { productId: 'SKU-OLD', quantity: 1 },
      ],
      stock,
    );

    expect(allocation).toMatchObject({ ok: false, reason: 'UNKNOWN_PRODUCT' });
    expect(allocation.ok === false && allocation.shortages.map((s) => s.productId)).toEqual(['SKU-404', 'SKU-OLD']);
  });
});
