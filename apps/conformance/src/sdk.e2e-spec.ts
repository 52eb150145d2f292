import { randomUUID } from 'node:crypto';
import { RunningService, stopService } from '@order-saga/infra';
import { OrderSagaClient } from '@order-saga/sdk';
import { CONFORMANCE_CLIENT_ID, conformanceEnv } from './support/conformance-stack';
import { DroppingProxy, startGateway } from './support/live-helpers';

/** The SDK against the live stack: token refresh, 429 handling and a retried POST after a lost response. */
const gatewayUrl = () => conformanceEnv('CONFORMANCE_GATEWAY_URL');
const credentials = () => ({ clientId: CONFORMANCE_CLIENT_ID, clientSecret: conformanceEnv('CONFORMANCE_CLIENT_SECRET') });
const shipping_address = { street: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' };

describe('@order-saga/sdk against the live stack', () => {
  it('refreshes the token 300 s before it expires (injected clock), and not earlier', async () => {
    let now = Date.now();
    const client = new OrderSagaClient({ baseUrl: gatewayUrl(), ...credentials(), clock: () => now });

    await client.listProducts({ limit: 1 });
    now += (3600 - 301) * 1000;
    await client.listProducts({ limit: 1 });
    const beforeThreshold = client.tokens.requests;
    now += 2 * 1000;
    await client.listProducts({ limit: 1 });

    expect(beforeThreshold).toBe(1);
    expect(client.tokens.requests).toBe(2);
  });

  describe('behind a gateway allowing one order read a minute', () => {
    let gateway: RunningService;

    beforeAll(async () => {
      gateway = await startGateway('gateway-sdk-429', { RATE_LIMIT_ORDERS_READ_PER_MINUTE: '1', RATE_LIMIT_BURST_PERCENT: '100' });
    }, 90_000);

    afterAll(async () => {
      if (gateway) await stopService(gateway);
    });

    it('answers the 429 by waiting Retry-After seconds and then succeeds on the next attempt', async () => {
      const statuses: { status: number; retryAfter: string | null; at: number }[] = [];
      const waits: number[] = [];
      const client = new OrderSagaClient({
        baseUrl: gateway.url,
        ...credentials(),
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          if (String(input).includes('/api/v1/')) statuses.push({ status: response.status, retryAfter: response.headers.get('retry-after'), at: Date.now() });
          return response;
        },
        // The real wait, recorded: the limiter's window must actually pass.
        sleep: (ms) => {
          waits.push(ms);
          return new Promise((resolve) => setTimeout(resolve, ms));
        },
      });

      await client.listOrders({ limit: 1 });
      const second = await client.send('GET', '/api/v1/orders', { query: { limit: 1 } });

      expect(statuses.map((entry) => entry.status)).toEqual([200, 429, 200]);
      const retryAfter = Number(statuses[1].retryAfter);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(waits).toEqual([retryAfter * 1000]);
      expect(statuses[2].at - statuses[1].at).toBeGreaterThanOrEqual(retryAfter * 1000);
      expect({ status: second.status, attempts: second.attempts }).toEqual({ status: 200, attempts: 2 });
    }, 120_000);
  });

  describe('through a proxy that loses the response of the first POST /api/v1/orders', () => {
    const proxy = new DroppingProxy(
      { host: '127.0.0.1', port: Number(new URL(process.env.CONFORMANCE_GATEWAY_URL ?? 'http://127.0.0.1:1').port) },
      'POST /api/v1/orders',
    );
    let proxyUrl: string;

    beforeAll(async () => {
      proxyUrl = await proxy.start();
    });

    afterAll(async () => {
      await proxy.stop();
    });

    it('retries with the same idempotency key and the system holds exactly one order', async () => {
      const direct = new OrderSagaClient({ baseUrl: gatewayUrl(), ...credentials() });
      const productId = `SKU-SDK-${randomUUID().slice(0, 8)}`;
      const customerId = `CUST-SDK-${randomUUID().slice(0, 8)}`;
      await direct.upsertProduct(productId, { name: 'SDK retry', unit_price: 5, available: 10 });
      await direct.createCustomer({ customer_id: customerId, name: 'Retry Customer' });
      const waits: number[] = [];
      const client = new OrderSagaClient({
        baseUrl: proxyUrl,
        ...credentials(),
        sleep: async (ms) => {
          waits.push(ms);
        },
      });

      const placed = await client.placeOrder({ customer_id: customerId, items: [{ product_id: productId, quantity: 2 }], shipping_address });

      expect(proxy.dropped).toBe(1);
      expect(proxy.requests.filter((line) => line.startsWith('POST /api/v1/orders'))).toHaveLength(2);
      expect(waits).toHaveLength(1);
      // The second attempt replays the first one's outcome instead of placing a second order.
      expect(placed.status).toBe(200);
      const orders = await direct.listOrders({ customer_id: customerId });
      expect(orders.data.map((order) => order.order_id)).toEqual([placed.order.order_id]);
      expect(await direct.getProduct(productId)).toEqual(expect.objectContaining({ available: 8 }));
    });
  });
});
