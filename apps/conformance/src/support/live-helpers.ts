import { createConnection, createServer, Server, Socket } from 'node:net';
import { RunningService } from '@order-saga/infra';
import { startExtraGateway } from '@order-saga/shared/testing';
import { conformanceEnv } from './conformance-stack';

/** One more gateway process against the suite's database and services, with `overrides` (e.g. tiny rate limits). */
export async function startGateway(name: string, overrides: Record<string, string>): Promise<RunningService> {
  return startExtraGateway({
    name,
    databaseUrl: conformanceEnv('CONFORMANCE_GATEWAY_DB'),
    jwtSigningKeysFile: conformanceEnv('CONFORMANCE_JWT_SIGNING_KEYS_FILE'),
    orderServiceUrl: conformanceEnv('CONFORMANCE_ORDER_URL'),
    inventoryServiceUrl: conformanceEnv('CONFORMANCE_INVENTORY_URL'),
    notificationServiceUrl: conformanceEnv('CONFORMANCE_NOTIFICATION_URL'),
    logDir: conformanceEnv('CONFORMANCE_LOG_DIR'),
    env: overrides,
  });
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
