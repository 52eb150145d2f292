import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { pinoHttpOptions } from './logging.module';

let server: Server;
let url: string;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString()
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
      done();
    },
  });
  const logRequests = pinoHttp(pinoHttpOptions('logging-spec', 'info'), sink);
  server = createServer((request, response) => {
    logRequests(request, response);
    response.setHeader('set-cookie', 'session=from-the-service');
    response.writeHead(201, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function requestLineFor(requestId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const line = lines.find((candidate) => candidate.request_id === requestId);
    if (line) return line;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`no request log line for ${requestId}`);
}

describe('the request log line', () => {
  it('names the request with its headers, credentials redacted, and the answer by its status alone', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const response = await fetch(`${url}/api/v1/orders?page=2`, {
      method: 'POST',
      headers: { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.secret-token', 'x-request-id': 'log-spec-1', traceparent, 'user-agent': 'log-spec' },
      body: '{}',
    });
    expect(response.status).toBe(201);

    const line = await requestLineFor('log-spec-1');
    expect(JSON.stringify(line)).not.toContain('secret-token');
    expect(line).toMatchObject({
      level: 'info',
      service: 'logging-spec',
      message: 'request completed',
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
      req: { id: 'log-spec-1', method: 'POST', url: '/api/v1/orders?page=2', headers: { authorization: '[REDACTED]', 'user-agent': 'log-spec' } },
      res: { statusCode: 201 },
    });
    expect(line.res).toEqual({ statusCode: 201 });
  });
});
