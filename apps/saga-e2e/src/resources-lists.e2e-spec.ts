import { randomUUID } from 'node:crypto';
import { apiCall, createCustomer, createProduct, Role, sdkAs, shippingAddress } from './support/api';
import { E2E_CLIENTS } from './support/e2e-stack';

interface OrderView {
  order_id: string;
  status: string;
  customer_id: string;
  created_at: string;
  items: { product_id: string }[];
}
interface PageBody<T> {
  data: T[];
  pagination: { limit: number; has_more: boolean; next_cursor: string | null };
  error_code?: string;
  details?: { field: string; error: string }[];
}

/** GET /api/v1/orders and /api/v1/search through the gateway: cursor pages, filters, and one client's view only. */
describe('GET /api/v1/orders and /api/v1/search — cursor pagination, filters, search', () => {
  let customerId: string;
  let productId: string;
  /** Newest first, as the API lists them. */
  const placed: OrderView[] = [];

  beforeAll(async () => {
    customerId = await createCustomer(E2E_CLIENTS.writer.id, `LIST-${randomUUID().slice(0, 8)}`);
    productId = await createProduct(100, 3);
    const soldOut = await createProduct(0, 3);
    // 5 confirmed and 2 cancelled orders, one at a time so that their creation order is known.
    for (const [product, expected] of [
      [productId, 201],
      [soldOut, 409],
      [productId, 201],
      [productId, 201],
      [soldOut, 409],
      [productId, 201],
      [productId, 201],
    ] as const) {
      const response = await apiCall<OrderView>('writer', 'POST', '/orders', {
        body: { customer_id: customerId, items: [{ product_id: product, quantity: 1 }], shipping_address: shippingAddress },
      });
      expect(response.status).toBe(expected);
      placed.unshift(await sdkAs('writer').getOrder(response.body.order_id));
    }
  });

  // The writer client's token carries read too; e2e-reader is another client and sees none of these orders.
  const get = <T>(path: string, role: Role = 'writer') => apiCall<PageBody<T>>(role, 'GET', path);

  /** Follows next_cursor to the end, returning each page's size. */
  async function allPages(path: string): Promise<{ ids: string[]; sizes: number[]; orders: OrderView[] }> {
    const orders: OrderView[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const response: Awaited<ReturnType<typeof get<OrderView>>> = await get<OrderView>(
        `${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(response.status).toBe(200);
      expect(response.body.pagination.has_more).toBe(response.body.pagination.next_cursor !== null);
      orders.push(...response.body.data);
      sizes.push(response.body.data.length);
      cursor = response.body.pagination.next_cursor;
      expect(sizes.length).toBeLessThan(20);
    } while (cursor);
    return { ids: orders.map((order) => order.order_id), sizes, orders };
  }

  it('pages through one customer’s 7 orders 2 at a time, newest first, each exactly once', async () => {
    const { ids, sizes } = await allPages(`/orders?customer_id=${customerId}&limit=2`);

    expect(sizes).toEqual([2, 2, 2, 1]);
    expect(ids).toEqual(placed.map((order) => order.order_id));
  });

  it('defaults to 20 per page and reports the limit it used', async () => {
    const response = await get<OrderView>(`/orders?customer_id=${customerId}`);

    expect(response.body.pagination).toEqual({ limit: 20, has_more: false, next_cursor: null });
    expect(response.body.data).toHaveLength(7);
  });

  it('filters by status across pages: confirmed gives the 5 confirmed, cancelled the 2 cancelled', async () => {
    const confirmed = await allPages(`/orders?customer_id=${customerId}&status=confirmed&limit=2`);
    const cancelled = await allPages(`/orders?customer_id=${customerId}&status=cancelled&limit=2`);

    expect(confirmed.sizes).toEqual([2, 2, 1]);
    expect(confirmed.ids).toEqual(placed.filter((order) => order.status === 'confirmed').map((order) => order.order_id));
    expect(cancelled.ids).toEqual(placed.filter((order) => order.status === 'cancelled').map((order) => order.order_id));
    expect(cancelled.ids).toHaveLength(2);
  });

  it('filters by a created range: from inclusive, to exclusive', async () => {
    const newest = placed[0];
    const oldest = placed[placed.length - 1];

    const { ids } = await allPages(`/orders?customer_id=${customerId}&created_from=${oldest.created_at}&created_to=${newest.created_at}&limit=4`);

    expect(ids).toEqual(placed.slice(1).map((order) => order.order_id));
  });

  it.each([
    ['status=shipped', 'status'],
    ['created_from=yesterday', 'created_from'],
    ['created_to=2026-13-45T00:00:00Z', 'created_to'],
    ['created_from=2026-02-01T00:00:00Z&created_to=2026-01-01T00:00:00Z', 'created_to'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    ['customer_id=has%20space', 'customer_id'],
    ['status=confirmed&status=cancelled', 'status'],
    ['sort=price', 'sort'],
  ])('an invalid filter (%s) is 400 VALIDATION_ERROR naming %s', async (query, field) => {
    const response = await get(`/orders?${query}`);

    expect(response.status).toBe(400);
    expect(response.body.error_code).toBe('VALIDATION_ERROR');
    expect(response.body.details?.map((detail) => detail.field)).toContain(field);
  });

  it('shows a client only its own orders: another client lists none of them and gets 404 for one of them', async () => {
    const others = await get<OrderView>(`/orders?customer_id=${customerId}`, 'other');
    expect(others.status).toBe(200);
    expect(others.body.data).toEqual([]);

    const direct = await apiCall('other', 'GET', `/orders/${placed[0].order_id}`);
    expect(direct.status).toBe(404);
    expect(direct.body).toMatchObject({ error_code: 'NOT_FOUND' });

    const searched = await get<OrderView>(`/search?q=${placed[0].order_id}`, 'other');
    expect(searched.body.data).toEqual([]);
  });

  it('search finds an order by its id prefix, case-insensitively', async () => {
    const target = placed[2];

    const response = await get<OrderView>(`/search?q=${target.order_id.slice(0, 9).toLowerCase()}`);

    expect(response.status).toBe(200);
    expect(response.body.data.map((order) => order.order_id)).toContain(target.order_id);
    for (const order of response.body.data) expect(order.order_id.startsWith(target.order_id.slice(0, 9))).toBe(true);
  });

  it('search finds all of a customer’s orders by the customer id prefix, in pages, filtered by status', async () => {
    const all = await allPages(`/search?q=${customerId.slice(0, 9)}&limit=3`);
    const confirmed = await allPages(`/search?q=${customerId}&status=confirmed&limit=3`);

    expect(all.ids).toEqual(placed.map((order) => order.order_id));
    expect(all.sizes).toEqual([3, 3, 1]);
    expect(confirmed.ids).toEqual(placed.filter((order) => order.status === 'confirmed').map((order) => order.order_id));
  });

  it('search finds orders by a product on their lines', async () => {
    const { ids } = await allPages(`/search?q=${productId}`);

    expect(ids).toEqual(placed.filter((order) => order.items.some((line) => line.product_id === productId)).map((order) => order.order_id));
    expect(ids).toHaveLength(5);
  });

  it('search takes its text literally: % and _ are not wildcards', async () => {
    const response = await get<OrderView>(`/search?q=${encodeURIComponent('%')}`);

    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([]);
  });

  it.each([
    ['', 'q'],
    ['q=', 'q'],
    ['q=%20%20', 'q'],
    [`q=${'x'.repeat(101)}`, 'q'],
    ['q=ORD&limit=500', 'limit'],
  ])('search with "%s" is 400 VALIDATION_ERROR naming %s', async (query, field) => {
    const response = await get(`/search?${query}`);

    expect(response.status).toBe(400);
    expect(response.body.details?.map((detail) => detail.field)).toContain(field);
  });
});
