/** Stock of one product as the allocation sees it (already locked by the caller). */
export interface StockLevel {
  productId: string;
  available: number;
  unitPriceCents: number;
  active: boolean;
}

export interface RequestedLine {
  productId: string;
  quantity: number;
}

export interface AllocatedLine extends RequestedLine {
  unitPriceCents: number;
}

export interface Shortage {
  productId: string;
  requested: number;
  available: number;
}

export type Allocation =
  { ok: true; lines: AllocatedLine[]; totalCents: number } | { ok: false; reason: 'INSUFFICIENT_INVENTORY' | 'UNKNOWN_PRODUCT'; shortages: Shortage[] };

/**
 * All-or-nothing allocation of an order's lines. Lines naming the same product are summed first,
 * so an order cannot oversell by splitting one product over several lines.
 */
export function allocateStock(requested: RequestedLine[], stock: StockLevel[]): Allocation {
  const byProduct = new Map(stock.map((level) => [level.productId, level]));
  const wanted = mergeLines(requested);

  const unknown = wanted.filter((line) => !byProduct.get(line.productId)?.active);
  if (unknown.length > 0) {
    return { ok: false, reason: 'UNKNOWN_PRODUCT', shortages: unknown.map((line) => ({ ...shortageOf(line), available: 0 })) };
  }
  const shortages = wanted
    .filter((line) => byProduct.get(line.productId)!.available < line.quantity)
    .map((line) => ({ ...shortageOf(line), available: byProduct.get(line.productId)!.available }));
  if (shortages.length > 0) {
    return { ok: false, reason: 'INSUFFICIENT_INVENTORY', shortages };
  }
  const lines = wanted.map((line) => ({ ...line, unitPriceCents: byProduct.get(line.productId)!.unitPriceCents }));
  const totalCents = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  return { ok: true, lines, totalCents };
}

export function mergeLines(lines: RequestedLine[]): RequestedLine[] {
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.quantity);
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }));
}

function shortageOf(line: RequestedLine): Omit<Shortage, 'available'> {
  return { productId: line.productId, requested: line.quantity };
}
