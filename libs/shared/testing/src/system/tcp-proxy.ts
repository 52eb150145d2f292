import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP forwarder on a free loopback port in front of `target`. In drop mode (`dropResponseTo`, the start of
 * an HTTP request line such as `POST /api/v1/orders`) the first request that matches is forwarded in full and
 * the server does its work, but the client's connection is closed instead of the answer relayed: a response
 * lost after the fact, which a client can only retry. cut() and restore() make and heal a network partition.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** The port it listens on once started, the same after restore(). */
  port = 0;
  /** Responses dropped so far (at most one). */
  dropped = 0;
  /** Every HTTP request line seen, in order. */
  readonly requests: string[] = [];

  constructor(
    private readonly target: { host: string; port: number },
    private readonly dropResponseTo?: string,
  ) {}

  /** Resolves with the proxy's URL. */
  async start(): Promise<string> {
    await this.listen();
    return `http://127.0.0.1:${this.port}`;
  }

  /** A partition as a client sees it: nothing listens on the port any more and every open connection is reset. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  /** Listens again on the same port after cut(). */
  async restore(): Promise<void> {
    if (!this.server) await this.listen();
  }

  async stop(): Promise<void> {
    await this.cut();
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  private relay(client: Socket): void {
    const upstream = createConnection(this.target);
    this.sockets.add(client).add(upstream);
    let dropThisResponse = false;
    client.on('data', (chunk: Buffer) => {
      const firstLine = chunk.toString('latin1').split('\r\n', 1)[0];
      if (/^[A-Z]+ \S+ HTTP\/1\.1$/.test(firstLine)) {
        this.requests.push(firstLine);
        if (this.dropResponseTo !== undefined && this.dropped === 0 && firstLine.startsWith(this.dropResponseTo)) dropThisResponse = true;
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
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', closeBoth).on('close', closeBoth);
    upstream.on('error', closeBoth).on('close', closeBoth);
  }
}
