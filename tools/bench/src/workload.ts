/**
 * What the load sends. Most orders succeed; a steady share is declined by the sandbox provider and a
 * steady share asks for a product without stock, so the compensating path and the rejection path are
 * under load too. Each kind has the one status the API must answer with.
 */
export type OrderKind = 'confirm' | 'decline' | 'no-stock';

export const EXPECTED_STATUS: Record<OrderKind, number> = { confirm: 201, decline: 402, 'no-stock': 409 };

/** 1 in `every` orders is declined and 1 in `every` has no stock (at different offsets), deterministically by index. */
export function kindOf(index: number, every = 20): OrderKind {
  const slot = index % every;
  if (slot === every - 1) return 'decline';
  if (slot === Math.floor(every / 2)) return 'no-stock';
  return 'confirm';
}

export interface BenchCatalog {
  /** Products with stock far beyond what a run can reserve. */
  stockedProductIds: string[];
  emptyProductId: string;
  unitPrice: number;
}

export interface StepCustomers {
  paying: string;
  declining: string;
}

/** Customers of one rate step: their own ids, so the order database tells that step's orders apart. */
export function stepCustomers(runId: string, label: string): StepCustomers {
  const base = `CUST-BENCH-${runId}-${label}`;
  return { paying: base, declining: `${base}-DECLINE` };
}

export function orderBody(index: number, kind: OrderKind, catalog: BenchCatalog, customers: StepCustomers): string {
  const productId = kind === 'no-stock' ? catalog.emptyProductId : catalog.stockedProductIds[index % catalog.stockedProductIds.length];
  return JSON.stringify({
    customer_id: kind === 'decline' ? customers.declining : customers.paying,
    items: [{ product_id: productId, quantity: 1, unit_price: catalog.unitPrice }],
    shipping_address: { street: '1 Bench St', city: 'Loadville', postal_code: '12345', country: 'US' },
  });
}
