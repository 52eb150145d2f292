import { randomUUID } from 'node:crypto';
import { pollUntil } from '@order-saga/shared/testing';
import { RequestOptions } from '@order-saga/sdk';
import { apiCall, createCustomer, createProduct, queryDatabase, sdkAs, shippingAddress, stockOf } from './support/api';
import { E2E_CLIENTS } from './support/e2e-stack';

interface ErrorBody {
  error_code: string;
  message: string;
  details?: { field: string; error: string }[];
  request_id: string;
  timestamp: string;
  order_id?: string;
}

/**
 * POST /api/v1/orders against every constraint of the seed's request schema, through the gateway. Each
 * violation must come back as 400 VALIDATION_ERROR naming the offending field the way the seed does
 * (`items[0].quantity`), in the seed's error format, and create nothing.
 */
describe('POST /api/v1/orders — request validation, catalog prices and customers', () => {
  let customerId: string;
  let productId: string;

  beforeAll(async () => {
    customerId = await createCustomer(E2E_CLIENTS.writer.id);
    productId = await createProduct(1000, 29.99);
  });

  const placeOrder = (body: unknown, options: RequestOptions = {}) =>
    apiCall<ErrorBody & Record<string, unknown>>('writer', 'POST', '/orders', { ...options, body });
  const validOrder = (): Record<string, unknown> => ({
    customer_id: customerId,
    items: [{ product_id: productId, quantity: 1 }],
    shipping_address: { ...shippingAddress },
  });
  const ordersOf = async (customer: string) =>
    (
      await queryDatabase<{ n: string }>('E2E_ORDER_DB', 'SELECT count(*) AS n FROM customer_order WHERE client_id = $1 AND customer_id = $2', [
        E2E_CLIENTS.writer.id,
        customer,
      ])
    )[0].n;

  const item = (overrides: Record<string, unknown>) => ({ product_id: productId, quantity: 1, ...overrides });
  const address = (overrides: Record<string, unknown>) => ({ ...shippingAddress, ...overrides });
  const without = (object: Record<string, unknown>, field: string) => Object.fromEntries(Object.entries(object).filter(([name]) => name !== field));

  // [rule, change to a valid order, the details[].field the seed's format must name]
  const violations: [string, (order: Record<string, unknown>) => Record<string, unknown>, string][] = [
    ['customer_id is required', (order) => without(order, 'customer_id'), 'customer_id'],
    ['customer_id is at most 50 characters', (order) => ({ ...order, customer_id: `C-${'X'.repeat(49)}` }), 'customer_id'],
    ['customer_id is alphanumeric with dashes', (order) => ({ ...order, customer_id: 'CUST 12345!' }), 'customer_id'],
    ['customer_id is a string', (order) => ({ ...order, customer_id: 12345 }), 'customer_id'],
    ['items is required', (order) => without(order, 'items'), 'items'],
    ['items has at least 1 entry', (order) => ({ ...order, items: [] }), 'items'],
    ['items has at most 100 entries', (order) => ({ ...order, items: Array.from({ length: 101 }, () => item({})) }), 'items'],
    ['items[].product_id is required', (order) => ({ ...order, items: [{ quantity: 1 }] }), 'items[0].product_id'],
    ['items[].quantity is required', (order) => ({ ...order, items: [{ product_id: productId }] }), 'items[0].quantity'],
    ['items[].quantity is at least 1', (order) => ({ ...order, items: [item({ quantity: 0 })] }), 'items[0].quantity'],
    ['items[].quantity is at most 999', (order) => ({ ...order, items: [item({}), item({ quantity: 1000 })] }), 'items[1].quantity'],
    ['items[].quantity is an integer', (order) => ({ ...order, items: [item({ quantity: 1.5 })] }), 'items[0].quantity'],
    ['items[].unit_price has at most 2 decimals', (order) => ({ ...order, items: [item({ unit_price: 29.999 })] }), 'items[0].unit_price'],
    ['items[].unit_price is a number', (order) => ({ ...order, items: [item({ unit_price: '29.99' })] }), 'items[0].unit_price'],
    ['items[].unit_price is not negative', (order) => ({ ...order, items: [item({ unit_price: -1 })] }), 'items[0].unit_price'],
    ['shipping_address.street is required', (order) => ({ ...order, shipping_address: without(address({}), 'street') }), 'shipping_address.street'],
    [
      'shipping_address.street is at most 100 characters',
      (order) => ({ ...order, shipping_address: address({ street: 'S'.repeat(101) }) }),
      'shipping_address.street',
    ],
    ['shipping_address.city is required', (order) => ({ ...order, shipping_address: without(address({}), 'city') }), 'shipping_address.city'],
    ['shipping_address.city is at most 50 characters', (order) => ({ ...order, shipping_address: address({ city: 'C'.repeat(51) }) }), 'shipping_address.city'],
    [
      'shipping_address.postal_code is required',
      (order) => ({ ...order, shipping_address: without(address({}), 'postal_code') }),
      'shipping_address.postal_code',
    ],
    [
      'shipping_address.postal_code matches ^\\d{5}(-\\d{4})?$',
      (order) => ({ ...order, shipping_address: address({ postal_code: '1234' }) }),
      'shipping_address.postal_code',
    ],
    [
      'shipping_address.postal_code has no trailing text',
      (order) => ({ ...order, shipping_address: address({ postal_code: '12345-678' }) }),
      'shipping_address.postal_code',
    ],
    ['shipping_address.country is required', (order) => ({ ...order, shipping_address: without(address({}), 'country') }), 'shipping_address.country'],
    [
      'shipping_address.country is ISO 3166-1 alpha-2 (not alpha-3)',
      (order) => ({ ...order, shipping_address: address({ country: 'USA' }) }),
      'shipping_address.country',
    ],
    [
      'shipping_address.country is an assigned ISO 3166-1 code',
      (order) => ({ ...order, shipping_address: address({ country: 'XX' }) }),
      'shipping_address.country',
    ],
    ['unknown fields are refused, not ignored', (order) => ({ ...order, discount: 10 }), 'discount'],
  ];

  it.each(violations)('%s → 400 VALIDATION_ERROR at the field, nothing created', async (_rule, change, field) => {
    const customer = await createCustomer(E2E_CLIENTS.writer.id);
    const requestId = `req-${randomUUID()}`;

    const response = await placeOrder(change({ ...validOrder(), customer_id: customer }), { requestId });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error_code: 'VALIDATION_ERROR', request_id: requestId });
    expect(Date.parse(response.body.timestamp)).not.toBeNaN();
    expect(response.body.details?.map((detail) => detail.field)).toContain(field);
    for (const detail of response.body.details ?? []) expect(detail.error).toEqual(expect.any(String));
    await expect(ordersOf(customer)).resolves.toBe('0');
  });

  it('accepts the limits themselves: 100 items, quantity 999, a 50-character id, ZIP+4, an accepted country', async () => {
    const customer = await createCustomer(E2E_CLIENTS.writer.id, `C-${randomUUID().replace(/-/g, '').slice(0, 8)}-${'9'.repeat(39)}`);
    expect(customer).toHaveLength(50);
    // Cheap enough that 1,179 units stay under the sandbox provider's charge limit. One product on 91 lines,
    // so inventory merges them into one reservation line of 1,089 units, above the per-line cap of 999.
    const [big, small] = await Promise.all([createProduct(1089, 1), createProduct(90, 1)]);
    const items = [
      { product_id: big, quantity: 999 },
      ...Array.from({ length: 9 }, () => ({ product_id: big, quantity: 10, unit_price: 1 })),
      ...Array.from({ length: 90 }, () => ({ product_id: small, quantity: 1, unit_price: 1 })),
    ];

    const response = await placeOrder({ customer_id: customer, items, shipping_address: address({ postal_code: '12345-6789', country: 'DE' }) });

    // 100 lines may outlast the outcome wait budget on a loaded machine: 202, and the order confirms later.
    expect([201, 202]).toContain(response.status);
    const order = await pollUntil(
      async () => {
        const current = await sdkAs('writer').getOrder(String(response.body.order_id));
        return current.status === 'pending' ? undefined : current;
      },
      { description: 'the 100-line order to leave pending' },
    );
    expect(order).toMatchObject({ status: 'confirmed', total_amount: 1179 });
    expect(order.items).toHaveLength(100);
  });

  it('a unit_price equal to the catalog price is accepted and charged', async () => {
    const response = await placeOrder({ ...validOrder(), items: [item({ quantity: 2, unit_price: 29.99 })] });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ total_amount: 59.98, items: [{ product_id: productId, quantity: 2, unit_price: 29.99 }] });
  });

  it('price mismatch: a unit_price the catalog disagrees with is 400 at items[i].unit_price naming the catalog price, nothing reserved', async () => {
    const other = await createProduct(10, 5);
    const before = await stockOf(other);

    const response = await placeOrder({
      ...validOrder(),
      items: [item({ quantity: 1, unit_price: 29.99 }), { product_id: other, quantity: 3, unit_price: 4.5 }],
    });

    expect(response.status).toBe(400);
    expect(response.body.error_code).toBe('VALIDATION_ERROR');
    expect(response.body.details).toEqual([{ field: 'items[1].unit_price', error: `Catalog price of ${other} is 5.00, not 4.50` }]);
    const reservations = await queryDatabase('E2E_INVENTORY_DB', 'SELECT 1 FROM reservation WHERE order_id = $1', [response.body.order_id]);
    expect(reservations).toEqual([]);
    expect((await stockOf(other)).available).toBe(before.available);
  });

  it('INVALID_CUSTOMER: a customer this client never created is 400 INVALID_CUSTOMER at customer_id', async () => {
    const response = await placeOrder({ ...validOrder(), customer_id: 'CUST-NEVER-CREATED' });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error_code: 'INVALID_CUSTOMER', details: [{ field: 'customer_id', error: expect.any(String) }] });
  });

  it("INVALID_CUSTOMER: another client's customer is unknown to this one", async () => {
    const othersCustomer = await createCustomer(E2E_CLIENTS.other.id);

    const response = await placeOrder({ ...validOrder(), customer_id: othersCustomer });

    expect(response.status).toBe(400);
    expect(response.body.error_code).toBe('INVALID_CUSTOMER');
  });
});
