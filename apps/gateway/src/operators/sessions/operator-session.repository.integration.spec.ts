import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { GatewayConfig } from '../../config/gateway.config';
import { GatewayError } from '../../errors/gateway-error';
import { OperatorSessionRepository } from './operator-session.repository';

/** OperatorSessionRepository on the machine's Redis (127.0.0.1:6379), and on a port where no Redis answers. */

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const quietLogger = new PinoLogger({ pinoHttp: { level: 'silent' } });
const connections: Redis[] = [];

function settings(): GatewayConfig {
  return {
    OPERATOR_SESSION_IDLE_TIMEOUT_SECONDS: 600,
    OPERATOR_SESSION_MAX_LIFETIME_SECONDS: 3600,
    OPERATOR_SESSION_KEY_PREFIX: `it-operator-session-${randomBytes(6).toString('hex')}`,
  } as GatewayConfig;
}

function redis(url: string): Redis {
  // The gateway's own connection settings: fail at once while disconnected rather than queue.
  const connection = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
  connection.on('error', () => undefined);
  connections.push(connection);
  return connection;
}

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterAll(() => {
  for (const connection of connections) connection.disconnect();
});

describe('OperatorSessionRepository', () => {
  it('does not bring back a session signed out while one of its requests was in flight', async () => {
    const connection = redis(REDIS_URL);
    await connection.connect();
    const sessions = new OperatorSessionRepository(connection, settings(), quietLogger);
    const now = new Date();
    const { sessionId, session } = await sessions.create('ops@example.com', now);
    const found = await sessions.find(sessionId, now);
    expect(found).toEqual(session);

    await sessions.end(sessionId);
    await sessions.touch(sessionId, session, new Date(now.getTime() + 1000));

    expect(await sessions.find(sessionId, new Date(now.getTime() + 2000))).toBeUndefined();
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After when Redis cannot be reached: sessions have no fallback', async () => {
    const sessions = new OperatorSessionRepository(redis(`redis://127.0.0.1:${await closedPort()}`), settings(), quietLogger);

    const refusal = await sessions.find('a'.repeat(43), new Date()).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(GatewayError);
    expect(refusal).toMatchObject({ code: 'SERVICE_UNAVAILABLE', headers: { 'Retry-After': '5' } });
  });
});
