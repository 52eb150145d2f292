import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { OrderDriver } from './order-driver';
import { PlannedOrder } from './workload';

/** A stand-in gateway: tokens after a delay, every order answered 201 after `orderDelayMs`. */
function stubGateway(orderDelayMs: number) {
  const counts = { tokenRequests: 0, orders: 0, inFlight: 0, maxInFlight: 0 };
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url === '/oauth/token') {
        counts.tokenRequests++;
        setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 't' })), 50);
        return;
      }
      counts.orders++;
      counts.inFlight++;
      counts.maxInFlight = Math.max(counts.maxInFlight, counts.inFlight);
      setTimeout(() => {
        counts.inFlight--;
        response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ order_id: `o-${counts.orders}` }));
      }, orderDelayMs);
    });
  });
  return { server, counts };
}

const orders = (count: number): PlannedOrder[] =>
  Array.from({ length: count }, (_, index) => ({
    index,
    kind: 'success',
    idempotencyKey: `k-${index}`,
    customerId: 'c',
    items: [{ product_id: 'p', quantity: 1 }],
  }));

describe('order driver', () => {
  let server: Server;
  let url: string;
  let counts: ReturnType<typeof stubGateway>['counts'];

  beforeEach(async () => {
    ({ server, counts } = stubGateway(300));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const driver = (options: { ratePerSecond?: number; concurrency: number }) =>
    new OrderDriver({
      gateways: [url],
      clientId: 'id',
      clientSecret: 'secret',
      orderDeadlineMs: 10_000,
      attemptTimeoutMs: 5_000,
      log: () => undefined,
      ...options,
    });

  it('at a rate, starts orders without waiting for earlier answers, sharing one token request', async () => {
    const run = driver({ ratePerSecond: 100, concurrency: 4000 });

    const outcomes = await run.run(orders(20));

    expect(outcomes.map((outcome) => outcome.finalStatus)).toEqual(Array(20).fill(201));
    expect(counts.tokenRequests).toBe(1);
    // 20 orders due over 190 ms, each answered after 300 ms: all of them are in flight at once.
    expect(counts.maxInFlight).toBe(20);
    expect(run.pacingReport()).toMatchObject({ offeredRate: 100, maxInFlight: 20 });
  });

  it('without a rate, keeps at most `concurrency` orders in flight (closed loop)', async () => {
    const run = driver({ concurrency: 3 });

    await run.run(orders(9));

    expect(counts.orders).toBe(9);
    expect(counts.maxInFlight).toBe(3);
  });

  it('retries a 503 and an error answer outside the spec format with the same idempotency key, counting both, until an order is placed', async () => {
    const answers = [
      { status: 503, body: JSON.stringify({ error_code: 'SERVICE_UNAVAILABLE', message: 'down', request_id: 'r', timestamp: 't' }) },
      { status: 502, body: 'Bad Gateway' },
      { status: 201, body: JSON.stringify({ order_id: 'o-9' }) },
    ];
    const keys: string[] = [];
    const scripted = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (request.url === '/oauth/token') return response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 't' }));
        keys.push(String(request.headers['x-idempotency-key']));
        const answer = answers.shift() ?? { status: 500, body: 'unexpected request' };
        response.writeHead(answer.status, { 'content-type': answer.body.startsWith('{') ? 'application/json' : 'text/plain' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => scripted.listen(0, '127.0.0.1', resolve));
    const run = new OrderDriver({
      gateways: [`http://127.0.0.1:${(scripted.address() as AddressInfo).port}`],
      clientId: 'id',
      clientSecret: 'secret',
      concurrency: 1,
      orderDeadlineMs: 10_000,
      attemptTimeoutMs: 5_000,
      log: () => undefined,
    });

    try {
      const [outcome] = await run.run(orders(1));

      expect(outcome).toEqual({ idempotencyKey: 'k-0', finalStatus: 201, orderId: 'o-9', attempts: 3 });
      expect(keys).toEqual(['k-0', 'k-0', 'k-0']);
      expect(run.counters).toMatchObject({ attempts: 3, retriedStatuses: { 502: 1, 503: 1 }, malformedErrors: 1, droppedConnections: 0 });
    } finally {
      scripted.closeAllConnections();
      await new Promise((resolve) => scripted.close(resolve));
    }
  });
});
