import { EXPECTED_STATUS, kindOf, orderBody, stepCustomers } from './workload';

describe('bench workload', () => {
  it('mixes 18 confirmed, 1 declined and 1 out-of-stock order in every 20', () => {
    const kinds = Array.from({ length: 200 }, (_, index) => kindOf(index));

    expect(kinds.filter((kind) => kind === 'confirm')).toHaveLength(180);
    expect(kinds.filter((kind) => kind === 'decline')).toHaveLength(10);
    expect(kinds.filter((kind) => kind === 'no-stock')).toHaveLength(10);
  });

  it('expects 201 for a paid order, 402 for a declined card and 409 for missing stock', () => {
    expect(EXPECTED_STATUS).toEqual({ confirm: 201, decline: 402, 'no-stock': 409 });
  });

  it('sends a declined order as the step customer whose id ends in -DECLINE, for the empty product only when out of stock', () => {
    const catalog = { stockedProductIds: ['SKU-A', 'SKU-B'], emptyProductId: 'SKU-EMPTY', unitPrice: 1.5 };
    const customers = stepCustomers('r1', '100rps');

    const declined = JSON.parse(orderBody(3, 'decline', catalog, customers));
    const empty = JSON.parse(orderBody(4, 'no-stock', catalog, customers));

    expect(declined.customer_id).toBe('CUST-BENCH-r1-100rps-DECLINE');
    expect(declined.items[0]).toEqual({ product_id: 'SKU-B', quantity: 1, unit_price: 1.5 });
    expect(empty.customer_id).toBe('CUST-BENCH-r1-100rps');
    expect(empty.items[0].product_id).toBe('SKU-EMPTY');
  });
});
