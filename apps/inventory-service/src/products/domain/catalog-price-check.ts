/** A requested line as the price check sees it: what the client said it expects to pay per unit. */
export interface PricedRequestLine {
  productId: string;
  expectedUnitPriceCents?: number;
}

export interface CatalogPrice {
  productId: string;
  unitPriceCents: number;
  active: boolean;
}

export interface CatalogPriceMismatch {
  productId: string;
  expectedUnitPriceCents: number;
  catalogUnitPriceCents: number;
}

/**
 * Lines whose stated price differs from the catalog's. Checked under the same row locks that fix the
 * price of the reservation, so a client is never charged a price other than the one it stated.
 * Unknown or inactive products are not judged here: the allocation rejects those on its own terms.
 * Each product is reported once, even when several lines name it.
 */
export function catalogPriceMismatches(lines: PricedRequestLine[], catalog: CatalogPrice[]): CatalogPriceMismatch[] {
  const priceOf = new Map(catalog.filter((product) => product.active).map((product) => [product.productId, product.unitPriceCents]));
  const mismatches = new Map<string, CatalogPriceMismatch>();
  for (const line of lines) {
    const catalogUnitPriceCents = priceOf.get(line.productId);
    if (line.expectedUnitPriceCents === undefined || catalogUnitPriceCents === undefined) continue;
    if (line.expectedUnitPriceCents !== catalogUnitPriceCents && !mismatches.has(line.productId)) {
      mismatches.set(line.productId, { productId: line.productId, expectedUnitPriceCents: line.expectedUnitPriceCents, catalogUnitPriceCents });
    }
  }
  return [...mismatches.values()];
}
