import { randomUUID } from 'node:crypto';
import { apiCall, createProduct, Role, shippingAddress } from './support/api';

interface CustomerView {
  customer_id: string;
  name: string;
  email: string | null;
  status: string;
  created_at: string;
}
interface ProductView {
  product_id: string;
  name: string;
  unit_price: number;
  available: number;
  reserved: number;
  active: boolean;
}
interface Body<T> {
  data: T[];
  pagination: { limit: number; has_more: boolean; next_cursor: string | null };
  error_code?: string;
  details?: { field: string; error: string }[];
}

describe('/api/v1/customers — create, get, list, deactivate, per client', () => {
  const createCustomer = (body: unknown, role: Role = 'writer') =>
    apiCall<CustomerView & { error_code?: string; details?: Body<never>['details'] }>(role, 'POST', '/customers', { body });

  it('creates a customer with the client’s own id (201), reads it back, and refuses the id a second time (409 CONFLICT)', async () => {
    const customerId = `CUST-${randomUUID().slice(0, 8)}`;

    const created = await createCustomer({ customer_id: customerId, name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ customer_id: customerId, name: 'Ada Lovelace', email: 'ada@example.com', status: 'active' });

    const read = await apiCall<CustomerView>('writer', 'GET', `/customers/${customerId}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const again = await createCustomer({ customer_id: customerId, name: 'Someone else' });
    expect(again.status).toBe(409);
    expect(again.body.error_code).toBe('CONFLICT');
  });

  it('generates an id when the client gives none', async () => {
    const created = await createCustomer({ name: 'No id given' });

    expect(created.status).toBe(201);
    expect(created.body.customer_id).toMatch(/^CUST-[0-9A-F]{12}$/);
  });

  it.each([
    [{ customer_id: 'bad id!', name: 'x' }, 'customer_id'],
    [{ customer_id: 'C'.repeat(51), name: 'x' }, 'customer_id'],
    [{ customer_id: 'CUST-OK' }, 'name'],
    [{ name: 'x', email: 'not-an-email' }, 'email'],
    [{ name: 'x', status: 'inactive' }, 'status'],
  ])('refuses %j with 400 VALIDATION_ERROR naming %s', async (body, field) => {
    const response = await createCustomer(body);

    expect(response.status).toBe(400);
    expect(response.body.error_code).toBe('VALIDATION_ERROR');
    expect(response.body.details?.map((detail) => detail.field)).toContain(field);
  });

  it('needs the write scope to create or deactivate (403 with a read-only token)', async () => {
    expect((await createCustomer({ name: 'x' }, 'reader')).status).toBe(403);
    const created = await createCustomer({ name: 'x' });
    const deactivate = await apiCall('reader', 'POST', `/customers/${created.body.customer_id}/deactivate`);
    expect(deactivate.status).toBe(403);
    expect(deactivate.body).toMatchObject({ error_code: 'FORBIDDEN' });
  });

  it('lists the client’s customers newest first over several pages, and filters by status', async () => {
    const mine: string[] = [];
    for (let i = 0; i < 3; i += 1) mine.unshift((await createCustomer({ name: `page ${i}` })).body.customer_id);

    const first = await apiCall<Body<CustomerView>>('writer', 'GET', '/customers?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data.map((customer) => customer.customer_id)).toEqual(mine.slice(0, 2));
    expect(first.body.pagination).toMatchObject({ limit: 2, has_more: true });
    const second = await apiCall<Body<CustomerView>>('writer', 'GET', `/customers?limit=2&cursor=${first.body.pagination.next_cursor}`);
    expect(second.body.data[0].customer_id).toBe(mine[2]);

    const inactive = await apiCall<Body<CustomerView>>('writer', 'GET', '/customers?status=inactive&limit=100');
    for (const customer of inactive.body.data) expect(customer.status).toBe('inactive');
    const invalid = await apiCall<Body<CustomerView>>('writer', 'GET', '/customers?status=gone');
    expect(invalid.status).toBe(400);
    expect(invalid.body.details?.map((detail) => detail.field)).toEqual(['status']);
  });

  it('deactivates a customer (idempotently); an order for it is then 400 INVALID_CUSTOMER', async () => {
    const customerId = (await createCustomer({ name: 'Leaving soon' })).body.customer_id;
    const productId = await createProduct(5, 2);
    const order = { customer_id: customerId, items: [{ product_id: productId, quantity: 1 }], shipping_address: shippingAddress };
    expect((await apiCall('writer', 'POST', '/orders', { body: order })).status).toBe(201);

    const deactivated = await apiCall<CustomerView>('writer', 'POST', `/customers/${customerId}/deactivate`);
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.status).toBe('inactive');
    expect((await apiCall<CustomerView>('writer', 'POST', `/customers/${customerId}/deactivate`)).body.status).toBe('inactive');

    const refused = await apiCall<Body<never>>('writer', 'POST', '/orders', { body: order });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error_code: 'INVALID_CUSTOMER', details: [{ field: 'customer_id', error: expect.any(String) }] });
    const listed = await apiCall<Body<CustomerView>>('writer', 'GET', '/customers?status=inactive&limit=100');
    expect(listed.body.data.map((customer) => customer.customer_id)).toContain(customerId);
  });

  it('keeps customers per client: another client gets 404 for them, cannot deactivate them, and does not list them', async () => {
    const customerId = (await createCustomer({ name: 'Private' })).body.customer_id;

    const read = await apiCall('other', 'GET', `/customers/${customerId}`);
    expect(read.status).toBe(404);
    expect(read.body).toMatchObject({ error_code: 'NOT_FOUND' });
    expect((await apiCall('other', 'POST', `/customers/${customerId}/deactivate`)).status).toBe(404);
    const listed = await apiCall<Body<CustomerView>>('other', 'GET', '/customers?limit=100');
    expect(listed.body.data.map((customer) => customer.customer_id)).not.toContain(customerId);
    const mine = await apiCall<CustomerView>('writer', 'GET', `/customers/${customerId}`);
    expect(mine.body.status).toBe('active');
  });
});

describe('/api/v1/products — catalog and stock administration', () => {
  it('needs the write scope to change a product or its stock: 403 FORBIDDEN with a read-only token, nothing changed', async () => {
    const productId = await createProduct(10, 4);

    const put = await apiCall('reader', 'PUT', `/products/${productId}`, { body: { name: 'renamed', unit_price: 1 } });
    const adjust = await apiCall('reader', 'POST', `/products/${productId}/stock-adjustments`, { body: { delta: 5 } });

    expect(put.status).toBe(403);
    expect(put.body).toMatchObject({ error_code: 'FORBIDDEN' });
    expect(put.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect(adjust.status).toBe(403);
    const product = await apiCall<ProductView>('reader', 'GET', `/products/${productId}`);
    expect(product.body).toMatchObject({ name: `e2e ${productId}`, unit_price: 4, available: 10 });
  });

  it('creates and updates a product (name, price, active) with the write scope; its stock is kept when not given', async () => {
    const productId = `SKU-ADM-${randomUUID().slice(0, 8)}`;

    const created = await apiCall<ProductView>('writer', 'PUT', `/products/${productId}`, { body: { name: 'Widget', unit_price: 12.5, available: 7 } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ product_id: productId, name: 'Widget', unit_price: 12.5, available: 7, reserved: 0, active: true });

    const updated = await apiCall<ProductView>('writer', 'PUT', `/products/${productId}`, { body: { name: 'Widget v2', unit_price: 13, active: false } });
    expect(updated.body).toEqual({ product_id: productId, name: 'Widget v2', unit_price: 13, available: 7, reserved: 0, active: false });

    const invalid = await apiCall<Body<never>>('writer', 'PUT', `/products/${productId}`, { body: { name: 'x', unit_price: 1.234 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.details?.map((detail) => detail.field)).toContain('unit_price');
  });

  it('adjusts stock by a delta and refuses to take it below zero (409 CONFLICT)', async () => {
    const productId = await createProduct(3, 1);

    const added = await apiCall<ProductView>('writer', 'POST', `/products/${productId}/stock-adjustments`, { body: { delta: 5, reason: 'goods received' } });
    expect(added.status).toBe(200);
    expect(added.body.available).toBe(8);

    const tooMuch = await apiCall<Body<never>>('writer', 'POST', `/products/${productId}/stock-adjustments`, { body: { delta: -9 } });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ error_code: 'CONFLICT', details: [{ field: 'delta', error: expect.stringContaining('currently 8') }] });

    const zero = await apiCall<Body<never>>('writer', 'POST', `/products/${productId}/stock-adjustments`, { body: { delta: 0 } });
    expect(zero.status).toBe(400);
    const missing = await apiCall('writer', 'POST', `/products/SKU-NOPE-${randomUUID().slice(0, 8)}/stock-adjustments`, { body: { delta: 1 } });
    expect(missing.status).toBe(404);
    expect((await apiCall<ProductView>('reader', 'GET', `/products/${productId}`)).body.available).toBe(8);
  });

  it('lists the catalog in pages with the read scope', async () => {
    await Promise.all([createProduct(1), createProduct(1), createProduct(1)]);

    const first = await apiCall<Body<ProductView>>('reader', 'GET', '/products?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.pagination.has_more).toBe(true);
    const second = await apiCall<Body<ProductView>>('reader', 'GET', `/products?limit=2&cursor=${first.body.pagination.next_cursor}`);
    expect(second.body.data[0].product_id > first.body.data[1].product_id).toBe(true);

    expect((await apiCall('reader', 'GET', '/products?active=maybe')).status).toBe(400);
    expect((await apiCall('reader', 'GET', '/products/no%2Fslash')).status).toBe(404);
  });
});
