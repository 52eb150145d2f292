import { createServer, Server } from 'node:http';
import { AddressInfo, createConnection } from 'node:net';
import { TcpProxy } from './tcp-proxy';

describe('TcpProxy', () => {
  let server: Server;
  const handled: string[] = [];
  let proxy: TcpProxy;

  beforeAll(async () => {
    server = createServer((request, response) => {
      handled.push(`${request.method} ${request.url}`);
      response.writeHead(200, { connection: 'close' }).end('done');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    await proxy?.stop();
    handled.length = 0;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const target = () => ({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });

  it('in drop mode, lets the server handle the first matching request but loses its response, and relays every later one', async () => {
    proxy = new TcpProxy(target(), 'POST /orders');
    const url = await proxy.start();

    await expect(fetch(`${url}/orders`, { method: 'POST', body: '{}' })).rejects.toThrow();
    const again = await fetch(`${url}/orders`, { method: 'POST', body: '{}' });
    const other = await fetch(`${url}/health`);

    expect([again.status, await again.text(), other.status]).toEqual([200, 'done', 200]);
    expect(handled).toEqual(['POST /orders', 'POST /orders', 'GET /health']);
    expect(proxy.dropped).toBe(1);
    expect(proxy.requests).toEqual(['POST /orders HTTP/1.1', 'POST /orders HTTP/1.1', 'GET /health HTTP/1.1']);
  });

  it('without a drop mode, relays every response', async () => {
    proxy = new TcpProxy(target());
    const url = await proxy.start();

    const response = await fetch(`${url}/orders`, { method: 'POST', body: '{}' });

    expect(await response.text()).toBe('done');
    expect(proxy.dropped).toBe(0);
  });

  it('cut refuses new connections and resets open ones; restore relays again on the same port', async () => {
    proxy = new TcpProxy(target());
    const url = await proxy.start();
    const port = proxy.port;
    const open = createConnection({ host: '127.0.0.1', port });
    const reset = new Promise<NodeJS.ErrnoException>((resolve) => open.once('error', resolve));
    await new Promise((resolve) => open.once('connect', resolve));

    await proxy.cut();

    expect((await reset).code).toBe('ECONNRESET');
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    await proxy.restore();
    const response = await fetch(`${url}/health`);
    expect([proxy.port, response.status, await response.text()]).toEqual([port, 200, 'done']);
  });
});
