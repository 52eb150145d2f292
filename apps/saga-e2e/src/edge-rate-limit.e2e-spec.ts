import { randomBytes } from 'node:crypto';
import { RunningService } from '@order-saga/infra';
import { clientCredentialsToken } from '@order-saga/shared/testing';
import { closedPort, expectSeedError, RawResponse, registerClient, send, startExtraGateway, stopService } from './support/edge';

/**
 * Rate limits through real gateway processes on the machine's Redis. Two gateways share one key
 * prefix, as two replicas of one deployment would; a third is pointed at a Redis port nothing
 * listens on (and at an order-service that is not there). Limits are small so the tests stay fast:
 * GET /api/v1/orders 4/min, POST /api/v1/orders 2/min, burst 150 % (so 2 and 1 extra), sandbox 10×.
 */
const LIMITS = {
  RATE_LIMIT_ORDERS_READ_PER_MINUTE: '4',
  RATE_LIMIT_ORDERS_WRITE_PER_MINUTE: '2',
  RATE_LIMIT_BURST_PERCENT: '150',
  RATE_LIMIT_SANDBOX_MULTIPLIER: '10',
};
const run = randomBytes(4).toString('hex');
const replicas: RunningService[] = [];
let redisDown: RunningService;

beforeAll(async () => {
  const prefix = `e2e-rl-${run}`;
  const [deadRedis, deadOrderService] = [await closedPort(), await closedPort()];
  [replicas[0], replicas[1], redisDown] = await Promise.all([
    startExtraGateway('gateway-rl-1', { ...LIMITS, RATE_LIMIT_KEY_PREFIX: prefix }),
    startExtraGateway('gateway-rl-2', { ...LIMITS, RATE_LIMIT_KEY_PREFIX: prefix }),
    startExtraGateway('gateway-no-redis', {
      ...LIMITS,
      REDIS_URL: `redis://127.0.0.1:${deadRedis}`,
      ORDER_SERVICE_URL: `http://127.0.0.1:${deadOrderService}`,
    }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([...replicas, redisDown].filter(Boolean).map((service) => stopService(service)));
});

async function clientToken(name: string, tier: 'standard' | 'sandbox' = 'standard'): Promise<string> {
  const clientId = `rl-${name}-${run}`;
  return clientCredentialsToken(replicas[0].url, { id: clientId, secret: await registerClient(clientId, ['read', 'write'], tier) });
}

/** `count` GETs of one order, alternating between the two replicas. */
async function readOrders(token: string, count: number, gateways: RunningService[] = replicas): Promise<RawResponse[]> {
  const responses: RawResponse[] = [];
  for (let i = 0; i < count; i += 1) {
    responses.push(await send(`${gateways[i % gateways.length].url}/api/v1/orders/ORD-RATE-LIMIT`, { headers: { authorization: `Bearer ${token}` } }));
  }
  return responses;
}

const header = (response: RawResponse, name: string) => response.headers.get(name);

describe('rate limits shared by two gateway processes', () => {
  it('allows 4 reads a minute plus a 50 % burst, counted across both replicas, and answers the 7th with 429', async () => {
    const token = await clientToken('read');
    const startedAt = Math.floor(Date.now() / 1000);

    const responses = await readOrders(token, 8);

    expect(responses.map((response) => response.status)).toEqual([404, 404, 404, 404, 404, 404, 429, 429]);
    expect(responses.map((response) => header(response, 'x-ratelimit-remaining'))).toEqual(['3', '2', '1', '0', '0', '0', '0', '0']);
    expect(responses.map((response) => header(response, 'x-ratelimit-burst-remaining'))).toEqual([null, null, null, null, '1', '0', null, null]);
    for (const response of responses) {
      expect(header(response, 'x-ratelimit-limit')).toBe('4');
      expect(Number(header(response, 'x-ratelimit-reset'))).toBeGreaterThanOrEqual(startedAt);
      expect(Number(header(response, 'x-ratelimit-reset'))).toBeLessThanOrEqual(startedAt + 61);
      expect(header(response, 'x-ratelimit-scope')).toBeNull();
    }
    const refused = responses[6];
    const body = expectSeedError(refused, 429, 'RATE_LIMIT_EXCEEDED');
    const retryAfter = Number(header(refused, 'retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(body.retry_after).toBe(retryAfter);
    expect(header(refused, 'x-request-id')).toBe(body.request_id);
  });

  it('keeps POST /api/v1/orders on a budget of its own (2 + 1 burst), apart from the reads', async () => {
    const token = await clientToken('write');
    const post = (i: number) =>
      send(`${replicas[i % 2].url}/api/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });

    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await post(i)).status);
    const reads = await readOrders(token, 1);

    expect(statuses).toEqual([400, 400, 400, 429]);
    expect(reads[0].status).toBe(404);
    expect(header(reads[0], 'x-ratelimit-remaining')).toBe('3');
  });

  it('gives a sandbox client ten times the limits: 40 + 20 burst, the 61st is refused', async () => {
    const token = await clientToken('sandbox', 'sandbox');

    const responses = await readOrders(token, 61);

    expect(responses.slice(0, 60).every((response) => response.status === 404)).toBe(true);
    expect(responses[60].status).toBe(429);
    expect(header(responses[0], 'x-ratelimit-limit')).toBe('40');
  });

  it('does not charge requests that fail authentication to anyone', async () => {
    const response = await send(`${replicas[0].url}/api/v1/orders/ORD-1`);

    expectSeedError(response, 401, 'UNAUTHORIZED');
    expect(header(response, 'x-ratelimit-limit')).toBeNull();
  });
});

describe('when Redis is unreachable', () => {
  it('keeps serving and limits per process (fail-open to local counters), saying so in X-RateLimit-Scope', async () => {
    const token = await clientToken('no-redis');

    const responses = await readOrders(token, 7, [redisDown]);

    // order-service is not there for this gateway either, so a request let through is a 503.
    expect(responses.map((response) => response.status)).toEqual([503, 503, 503, 503, 503, 503, 429]);
    for (const response of responses) expect(header(response, 'x-ratelimit-scope')).toBe('local');
    expectSeedError(responses[6], 429, 'RATE_LIMIT_EXCEEDED');
  });
});

describe('a service behind the gateway that is down', () => {
  it('is answered with 503 SERVICE_UNAVAILABLE and Retry-After', async () => {
    const token = await clientToken('down');

    const response = await send(`${redisDown.url}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });

    const body = expectSeedError(response, 503, 'SERVICE_UNAVAILABLE');
    expect(body.message).toBe('The order service is temporarily unavailable');
    expect(header(response, 'retry-after')).toBe('5');
  });
});
