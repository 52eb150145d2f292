import { SeededRandom } from './seeded-random';

/** What an order is meant to exercise; the checks hold each kind to what it must never become. */
export type OrderKind = 'success' | 'declined' | 'scarce' | 'out-of-stock';

export interface CatalogProduct {
  productId: string;
  unitPrice: number;
  initialStock: number;
}

export interface PlannedOrder {
  index: number;
  kind: OrderKind;
  idempotencyKey: string;
  customerId: string;
  items: { product_id: string; quantity: number }[];
}

export interface Workload {
  products: CatalogProduct[];
  customers: string[];
  decliningCustomers: string[];
  orders: PlannedOrder[];
}

/** Ends in the sandbox provider's decline suffix, so every charge of these customers is declined. */
const DECLINE_SUFFIX = '-DECLINE';

/**
 * The catalog, customers and orders of one run, all derived from the seed. Plentiful products never
 * run out; the scarce one runs out part-way (some orders win, the rest get INSUFFICIENT_INVENTORY);
 * the empty one has no stock at all.
 */
export function planWorkload(orderCount: number, random: SeededRandom, runId: string): Workload {
  const plentiful = [1, 2, 3].map((n) => ({ productId: `SKU-CHAOS-${n}`, unitPrice: 5 + n * 2.5, initialStock: orderCount * 6 }));
  const scarce = { productId: 'SKU-CHAOS-SCARCE', unitPrice: 40, initialStock: Math.max(3, Math.round(orderCount * 0.08)) };
  const empty = { productId: 'SKU-CHAOS-EMPTY', unitPrice: 99, initialStock: 0 };
  const customers = [1, 2, 3, 4, 5].map((n) => `CUST-CHAOS-${n}`);
  const decliningCustomers = [1, 2].map((n) => `CUST-CHAOS-${n}${DECLINE_SUFFIX}`);

  const someOf = () =>
    Array.from({ length: random.int(1, 2) }, () => random.pick(plentiful))
      .filter((product, index, all) => all.indexOf(product) === index)
      .map((product) => ({ product_id: product.productId, quantity: random.int(1, 3) }));

  const orders = Array.from({ length: orderCount }, (_, index): PlannedOrder => {
    const roll = random.next();
    const kind: OrderKind = roll < 0.6 ? 'success' : roll < 0.75 ? 'declined' : roll < 0.9 ? 'scarce' : 'out-of-stock';
    const base = { index, kind, idempotencyKey: `chaos-${runId}-${index}` };
    switch (kind) {
      case 'success':
        return { ...base, customerId: random.pick(customers), items: someOf() };
      case 'declined':
        return { ...base, customerId: random.pick(decliningCustomers), items: someOf() };
      case 'scarce':
        return { ...base, customerId: random.pick(customers), items: [{ product_id: scarce.productId, quantity: random.int(1, 2) }] };
      case 'out-of-stock':
        return { ...base, customerId: random.pick(customers), items: [{ product_id: empty.productId, quantity: 1 }, ...someOf()] };
    }
  });
  return { products: [...plentiful, scarce, empty], customers, decliningCustomers, orders };
}
