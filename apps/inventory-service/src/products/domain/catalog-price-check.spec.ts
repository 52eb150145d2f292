import { catalogPriceMismatches } from './catalog-price-check';

const catalog = [
  { productId: 'SKU-001', unitPriceCents: 2999, active: true },
  { productId: 'SKU-002', unitPriceCents: 500, active: true },
  { productId: 'SKU-OLD', unitPriceCents: 100, active: false },
];

describe('catalogPriceMismatches', () => {
  it('accepts lines that state no price or the catalog price', () => {
    expect(catalogPriceMismatches([{ productId: 'SKU-001' }, { productId: 'SKU-002', expectedUnitPriceCents: 500 }], catalog)).toEqual([]);
  });

  it('names the catalog price of a line priced differently', () => {
    expect(catalogPriceMismatches([{ productId: 'SKU-001', expectedUnitPriceCents: 1999 }], catalog)).toEqual([
      { productId: 'SKU-001', expectedUnitPriceCents: 1999, catalogUnitPriceCents: 2999 },
    ]);
  });

  it('reports a product once even when two lines misprice it', () => {
    const lines = [
      { productId: 'SKU-002', expectedUnitPriceCents: 400 },
      { productId: 'SKU-002', expectedUnitPriceCents: 300 },
    ];

    expect(catalogPriceMismatches(lines, catalog).map((mismatch) => mismatch.productId)).toEqual(['SKU-002']);
  });

  it('leaves unknown and inactive products to the stock allocation', () => {
    expect(
      catalogPriceMismatches(
        [
          { productId: 'SKU-404', expectedUnitPriceCents: 1 },
          { productId: 'SKU-OLD', expectedUnitPriceCents: 1 },
        ],
        catalog,
      ),
    ).toEqual([]);
  });
});
