import { randomBytes } from 'node:crypto';
import { createConnection, createServer, Server, Socket } from 'node:net';
import { RunningService, spawnService, stopService, waitUntilReady } from '@order-saga/infra';
import { conformanceEnv } from './conformance-stack';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One more gateway process against the suite's database and services, with `overrides` (e.g. tiny rate limits). */
export async function startGateway(name: string, overrides: Record<string, string>): Promise<RunningService> {
  const port = await freePort();
  const service = spawnService(
    {
      name,
      entry: 'apps/gateway/src/main.ts',
      port,
      readyPath: '/health/ready',
      env: {
        DATABASE_URL: conformanceEnv('CONFORMANCE_GATEWAY_DB'),
        LOG_LEVEL: 'info',
        JWT_SIGNING_KEYS_FILE: conformanceEnv('CONFORMANCE_JWT_SIGNING_KEYS_FILE'),
        ORDER_SERVICE_URL: conformanceEnv('CONFORMANCE_ORDER_URL'),
        INVENTORY_SERVICE_URL: conformanceEnv('CONFORMANCE_INVENTORY_URL'),
        NOTIFICATION_SERVICE_URL: conformanceEnv('CONFORMANCE_NOTIFICATION_URL'),
        RATE_LIMIT_KEY_PREFIX: `conf-${name}-${randomBytes(4).toString('hex')}`,
        ...overrides,
      },
    },
    conformanceEnv('CONFORMANCE_LOG_DIR'),
  );
  try {
    await waitUntilReady(service, 60_000);
  } catch (error) {
    await stopService(service);
    throw error;
  }
  return service;
}

/**
 * A TCP proxy in front of `target` that forwards the first request whose first line starts with
 * `dropPrefix` in full, lets the server process it, and then closes the client's connection instead of
 * relaying the answer: the response is lost after the work was done.
 */
export class DroppingProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  dropped = 0;
  requests: string[] = [];

  constructor(
    private readonly target: { host: string; port: number },
    private readonly dropPrefix: string,
  ) {}

  async start(): Promise<string> {
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      this.sockets.add(client).add(upstream);
      let dropThisResponse = false;
      client.on('data', (chunk: Buffer) => {
        const firstLine = chunk.toString('latin1').split('\r\n', 1)[0];
        if (/^[A-Z]+ \S+ HTTP\/1\.1$/.test(firstLine)) {
          this.requests.push(firstLine);
          if (this.dropped === 0 && firstLine.startsWith(this.dropPrefix)) dropThisResponse = true;
        }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => {
        if (dropThisResponse) {
          if (this.dropped === 0) this.dropped += 1;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(chunk);
      });
      const closeBoth = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', closeBoth).on('close', closeBoth);
      upstream.on('error', closeBoth).on('close', closeBoth);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
