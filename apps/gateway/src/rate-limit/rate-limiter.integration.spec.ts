import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { pollUntil } from '@order-saga/shared/testing';
import Redis from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { RateLimitSettings } from './rate-limit.policy';
import { RateLimiter } from './rate-limiter';

/** RateLimiter against the machine's Redis (127.0.0.1:6379), each test on key prefixes of its own. */

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const settings: RateLimitSettings = {
  perMinute: { 'orders-write': 3, 'orders-read': 5, search: 2, default: 4 },
  perDay: 1000,
  burstPercent: 150,
  burstSeconds: 30,
  sandboxMultiplier: 10,
};
const connections: Redis[] = [];
const quietLogger = new PinoLogger({ pinoHttp: { level: 'silent' } });

function redis(url = REDIS_URL): Redis {
  const connection = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
  connection.on('error', () => undefined);
  connections.push(connection);
  return connection;
}

async function connected(url?: string): Promise<Redis> {
  const connection = redis(url);
  await connection.connect();
  return connection;
}

const prefix = () => `it-rl-${randomBytes(6).toString('hex')}`;

afterAll(() => {
  for (const connection of connections) connection.disconnect();
});

describe('RateLimiter on Redis', () => {
  it('allows the limit, then the burst, then refuses with the time to the window reset', async () => {
    const limiter = new RateLimiter(await connected(), settings, prefix(), quietLogger);

    const decisions = [];
    for (let i = 0; i < 8; i += 1) decisions.push(await limiter.check('client', 'standard', 'default'));

    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, true, false, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([3, 2, 1, 0, 0, 0, 0, 0]);
    expect(decisions.map((d) => d.burstRemaining)).toEqual([undefined, undefined, undefined, undefined, 1, 0, undefined, undefined]);
    expect(decisions[6].retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(decisions[6].retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(decisions.every((d) => d.limit === 4 && !d.degraded)).toBe(true);
  });

  it('shares one budget between two limiters on separate connections, as two gateway replicas would', async () => {
    const shared = prefix();
    const replicas = [new RateLimiter(await connected(), settings, shared, quietLogger), new RateLimiter(await connected(), settings, shared, quietLogger)];

    const allowed = [];
    for (let i = 0; i < 8; i += 1) allowed.push((await replicas[i % 2].check('client', 'standard', 'search')).allowed);

    expect(allowed).toEqual([true, true, true, false, false, false, false, false]);
  });

  it('keeps route classes and clients apart', async () => {
    const limiter = new RateLimiter(await connected(), { ...settings, burstPercent: 100 }, prefix(), quietLogger);

    for (let i = 0; i < 2; i += 1) await limiter.check('a', 'standard', 'search');

    expect((await limiter.check('a', 'standard', 'search')).allowed).toBe(false);
    expect((await limiter.check('a', 'standard', 'orders-read')).allowed).toBe(true);
    expect((await limiter.check('b', 'standard', 'search')).allowed).toBe(true);
  });

  it('multiplies the limits of a sandbox client', async () => {
    const limiter = new RateLimiter(await connected(), { ...settings, burstPercent: 100 }, prefix(), quietLogger);

    const allowed = [];
    for (let i = 0; i < 21; i += 1) allowed.push((await limiter.check('sandbox', 'sandbox', 'search')).allowed);

    expect(allowed.filter(Boolean)).toHaveLength(20);
    expect(allowed[20]).toBe(false);
  });

  it('stops a client at its daily budget, reporting the daily limit, and does not count refused requests', async () => {
    const limiter = new RateLimiter(await connected(), { ...settings, perDay: 3, burstPercent: 100 }, prefix(), quietLogger);

    const decisions = [];
    for (let i = 0; i < 4; i += 1) decisions.push(await limiter.check('client', 'standard', i % 2 === 0 ? 'search' : 'default'));

    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3]).toMatchObject({ limit: 3, remaining: 0 });
    expect(decisions[3].retryAfterSeconds).toBeGreaterThan(86_000);
  });

  it('closes the burst allowance burstSeconds after its first request, with burst requests left', async () => {
    // A burst of 10 × 4 = 40 extra requests that stays open 1 s: time, not the count, must close it.
    const limiter = new RateLimiter(await connected(), { ...settings, burstPercent: 1100, burstSeconds: 1 }, prefix(), quietLogger);
    for (let i = 0; i < 4; i += 1) await limiter.check('client', 'standard', 'default');

    const firstBurst = await limiter.check('client', 'standard', 'default');
    let burstRequests = 1;
    const closed = await pollUntil(
      async () => {
        const decision = await limiter.check('client', 'standard', 'default');
        if (decision.allowed) burstRequests += 1;
        return decision.allowed ? undefined : decision;
      },
      { timeoutMs: 5000, intervalMs: 250, description: 'the burst to close' },
    );

    expect(firstBurst).toMatchObject({ allowed: true, burstRemaining: 39 });
    expect(closed.allowed).toBe(false);
    expect(burstRequests).toBeLessThan(40);
  });

  it('counts the minute, burst and day windows of a check in one Redis round trip', async () => {
    const connection = await connected();
    const limiter = new RateLimiter(connection, { ...settings, perMinute: { ...settings.perMinute, default: 2 } }, prefix(), quietLogger);
    for (let i = 0; i < 2; i += 1) await limiter.check('client', 'standard', 'default');
    const commands = jest.spyOn(connection, 'sendCommand');

    // The minute is spent, so this check counts all three windows: minute, burst (1 allowed), day.
    const decision = await limiter.check('client', 'standard', 'default');

    expect(decision).toMatchObject({ allowed: true, burstRemaining: 0, degraded: false });
    expect(commands.mock.calls.map(([command]) => command.name)).toEqual(['evalsha']);
  });

  it("keeps counting in rate-limiter-flexible's keys, so a deploy does not reset the clients' windows", async () => {
    const connection = await connected();
    const keyPrefix = prefix();
    const limiter = new RateLimiter(connection, settings, keyPrefix, quietLogger);

    for (let i = 0; i < 2; i += 1) await limiter.check('client', 'standard', 'search');

    expect(await connection.get(`${keyPrefix}:m2:client:search`)).toBe('2');
    expect(await connection.get(`${keyPrefix}:d1000:client`)).toBe('2');
    expect(await connection.pttl(`${keyPrefix}:m2:client:search`)).toBeLessThanOrEqual(60_000);
  });

  it('falls back to per-process counters when Redis is unreachable, still refusing past the limit', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: taken } = server.address() as { port: number };
        server.close(() => resolve(taken));
      });
    });
    const limiter = new RateLimiter(redis(`redis://127.0.0.1:${port}`), { ...settings, burstPercent: 100 }, prefix(), quietLogger);

    const decisions = [];
    for (let i = 0; i < 3; i += 1) decisions.push(await limiter.check('client', 'standard', 'search'));

    expect(decisions.map((d) => d.allowed)).toEqual([true, true, false]);
    expect(decisions.every((d) => d.degraded)).toBe(true);
    // One failed round trip per check: every window of a check is counted in one script call.
    expect(limiter.storeFailures).toBe(3);
  });
});
