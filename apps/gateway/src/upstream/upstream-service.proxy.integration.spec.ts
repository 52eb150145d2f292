import { createServer, IncomingHttpHeaders, request as httpRequest, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { DEFAULT_JSON_STRUCTURE_LIMITS, DomainError, JsonBodyReader } from '@order-saga/shared/http';
import { pollUntil } from '@order-saga/shared/testing';
import type { Request } from 'express';
import { GatewayError } from '../errors/gateway-error';
import { PinoLogger } from 'nestjs-pino';
import { InFlightLimit } from './in-flight-limit';
import { UpstreamMetrics } from './upstream.metrics';
import { ClientJsonBody, ForwardedContext, UpstreamMethod, UpstreamReply, UpstreamRequest, UpstreamServiceProxy } from './upstream-service.proxy';

/**
 * The gateway's HTTP client of a service, against a stand-in service on a local port: what it sends,
 * what it relays, and which upstream failures become 503 SERVICE_UNAVAILABLE (and which do not).
 */

const TIMEOUT_MS = 500;
const MAX_IN_FLIGHT = 3;
const CONTEXT: ForwardedContext = { clientId: 'shop', requestId: 'req-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Exposes the protected call path to the tests, as the real proxies do with typed methods. */
class StandInServiceProxy extends UpstreamServiceProxy {
  constructor(baseUrl: string) {
    super(
      'stand-in service',
      baseUrl,
      TIMEOUT_MS,
      new InFlightLimit('stand-in-service', MAX_IN_FLIGHT, new UpstreamMetrics()),
      new JsonBodyReader({ limit: '1kb', structure: DEFAULT_JSON_STRUCTURE_LIMITS }),
      new PinoLogger({ pinoHttp: { level: 'silent' } }),
    );
  }

  relay(method: UpstreamMethod, path: string, request: UpstreamRequest = {}, context: ForwardedContext = CONTEXT): Promise<UpstreamReply> {
    return this.send(method, path, context, request);
  }
}

const received: Received[] = [];
/** Answers of GET /held, waiting for the test. */
const held: (() => void)[] = [];
let connectionsAccepted = 0;
let standIn: Server;
let baseUrl: string;
let proxy: StandInServiceProxy;

function json(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
}

function startStandIn(): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const path = (req.url ?? '').split('?')[0];
      switch (path) {
        case '/prefix/things':
          json(res, 201, { seen: 'prefix' });
          break;
        case '/things':
          json(
            res,
            201,
            { id: 'T-1', note: 'spaces  kept' },
            { location: '/api/v1/things/T-1', 'retry-after': '7', 'set-cookie': 'session=1', 'x-internal': 'not for clients' },
          );
          break;
        case '/empty':
          res.writeHead(204).end();
          break;
        case '/moved':
          res.writeHead(302, { location: '/things' }).end();
          break;
        case '/problem':
          json(res, 400, { error_code: 'VALIDATION_ERROR' }, { 'content-type': 'application/problem+json; charset=utf-8' });
          break;
        case '/html':
          res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
          break;
        case '/held':
          held.push(() => json(res, 200, { held: true }));
          break;
        case '/silent':
          // Never answers: the call's timeout has to end it.
          break;
        case '/stalled-body':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"partial":');
          break;
        case '/dropped':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          res.write('{"partial":');
          setImmediate(() => res.socket?.destroy());
          break;
        default:
          json(res, 404, { error_code: 'NOT_FOUND' });
      }
    });
  });
  server.on('connection', () => (connectionsAccepted += 1));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** `count` calls in flight at once, held by the stand-in until all of them arrived; their statuses. */
async function holdAndRelease(count: number): Promise<number[]> {
  const calls = Array.from({ length: count }, () => proxy.relay('GET', '/held'));
  await pollUntil(async () => (held.length === count ? true : undefined), { intervalMs: 5, description: `${count} calls held by the stand-in` });
  for (const answer of held.splice(0)) answer();
  return (await Promise.all(calls)).map((reply) => reply.status);
}

interface ClientRelay {
  /** The relay's reply, or what it threw. */
  outcome: Promise<UpstreamReply | unknown>;
  /** Resolves once the proxy was called with the client's request. */
  called: Promise<void>;
  /** Cuts the client's connection. */
  abort(): void;
}

/**
 * Relays the body of a real client request (a Node IncomingMessage, as the gateway gets it) through the
 * proxy; with `stall` the client never sends the last bytes it announced.
 */
function startClientRelay(body: string | Buffer, options: { contentType?: string; stall?: boolean } = {}): ClientRelay {
  let markCalled: () => void = () => undefined;
  const called = new Promise<void>((resolve) => (markCalled = resolve));
  let abort: () => void = () => undefined;
  const outcome = new Promise<UpstreamReply | unknown>((resolve) => {
    const client = createServer((req, res) => {
      proxy
        .relay('POST', '/things', { body: new ClientJsonBody(Object.assign(req, { res }) as unknown as Request) })
        .then(resolve, resolve)
        .finally(() => {
          res.end();
          client.closeAllConnections();
          client.close();
        });
      markCalled();
    });
    client.listen(0, '127.0.0.1', () => {
      const { port } = client.address() as AddressInfo;
      const length = Buffer.byteLength(body);
      const request = httpRequest({
        port,
        host: '127.0.0.1',
        method: 'POST',
        headers: { 'content-type': options.contentType ?? 'application/json', 'content-length': options.stall ? length + 10 : length },
      });
      request.on('error', () => undefined);
      abort = () => request.destroy();
      request.write(body);
      if (!options.stall) request.end();
    });
  });
  return { outcome, called, abort: () => abort() };
}

function relayClientBody(body: string | Buffer, options: { contentType?: string; stall?: boolean } = {}): Promise<UpstreamReply | unknown> {
  return startClientRelay(body, options).outcome;
}

async function expectUnavailable(reply: Promise<UpstreamReply>): Promise<void> {
  const error = await reply.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(GatewayError);
  expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', headers: { 'Retry-After': '5' } });
}

beforeAll(async () => {
  standIn = await startStandIn();
  baseUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
  proxy = new StandInServiceProxy(baseUrl);
});

afterAll(async () => {
  for (const answer of held.splice(0)) answer();
  await proxy.onApplicationShutdown();
  standIn.closeAllConnections();
  await new Promise((resolve) => standIn.close(resolve));
});

beforeEach(() => {
  received.length = 0;
});

describe('what the gateway sends a service', () => {
  it('sends a JSON body of its own with the headers the gateway vouches for, and nothing of its own choosing', async () => {
    await proxy.relay('POST', '/things', { body: '{"grace_period_seconds":60}' }, { ...CONTEXT, idempotencyKey: 'key-1' });

    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/things', body: '{"grace_period_seconds":60}' });
    expect(received[0].headers).toMatchObject({
      accept: 'application/json',
      'content-type': 'application/json',
      'x-client-id': 'shop',
      'x-request-id': 'req-1',
      traceparent: CONTEXT.traceparent,
      'x-idempotency-key': 'key-1',
    });
    expect(received[0].headers.authorization).toBeUndefined();
  });

  it('sends no body and no content type on a call without a body, and no idempotency key when the client gave none', async () => {
    await proxy.relay('GET', '/things');

    expect(received[0].body).toBe('');
    expect(received[0].headers['content-type']).toBeUndefined();
    expect(received[0].headers['x-idempotency-key']).toBeUndefined();
  });

  it('appends the query string, encoded, leaving out undefined values', async () => {
    await proxy.relay('GET', '/things', { query: { status: 'pending', customer_id: 'CUST 1&2', limit: 20, cursor: undefined } });

    expect(received[0].url).toBe('/things?status=pending&customer_id=CUST+1%262&limit=20');
  });

  it('keeps the path of a base URL that has one', async () => {
    const prefixed = new StandInServiceProxy(`${baseUrl}/prefix/`);
    try {
      expect((await prefixed.relay('GET', '/things')).body).toBe('{"seen":"prefix"}');
    } finally {
      await prefixed.onApplicationShutdown();
    }
  });
});

describe("the client's body", () => {
  it('relays the bytes as the client sent them, spacing, key order and escapes included, without parsing them', async () => {
    const body = '{ "items" : [ {"quantity":2} ],\n "customer_id":"CUST-\u0031", "customer_id": "CUST-2" }';

    expect(await relayClientBody(body)).toMatchObject({ status: 201 });
    expect(received.map((request) => request.body)).toEqual([body]);
  });

  it('relays an empty JSON body as {}, as the JSON parser had it', async () => {
    await relayClientBody('');

    expect(received.map((request) => request.body)).toEqual(['{}']);
  });

  it('relays a body sent in another UTF charset as UTF-8', async () => {
    const body = '{"name":"Ω"}';

    expect(await relayClientBody(Buffer.from(body, 'utf16le'), { contentType: 'application/json; charset=utf-16le' })).toMatchObject({ status: 201 });
    expect(received.map((request) => request.body)).toEqual([body]);
  });

  it.each([
    ['malformed JSON', '{"customer_id": ', 'Malformed JSON body', undefined],
    ['5,000 nested arrays', '['.repeat(5000) + ']'.repeat(5000), 'Request body exceeds the limit of 1024 bytes', undefined],
    [
      '33 nested arrays',
      '['.repeat(33) + ']'.repeat(33),
      'Request validation failed',
      [{ field: '[0]'.repeat(32), error: 'Must be nested at most 32 levels deep' }],
    ],
    ['a __proto__ key', '{"__proto__": {"admin": true}}', 'Request validation failed', [{ field: '__proto__', error: 'property __proto__ should not exist' }]],
    [
      'a number beyond the safe integers',
      '{"quantity": 1e400}',
      'Request validation failed',
      [{ field: 'quantity', error: 'Must be a number between -9007199254740991 and 9007199254740991' }],
    ],
  ])('refuses %s with VALIDATION_ERROR without calling the service', async (_name, body, message, details) => {
    const outcome = await relayClientBody(body);

    expect(outcome).toBeInstanceOf(DomainError);
    expect(outcome).toMatchObject({ code: 'VALIDATION_ERROR', message, ...(details ? { details } : {}) });
    expect(received).toEqual([]);
  });

  it('sheds a call at the in-flight limit before reading the body: a client still sending is refused at once', async () => {
    const calls = Array.from({ length: MAX_IN_FLIGHT }, () => proxy.relay('GET', '/held'));
    await pollUntil(async () => (held.length === MAX_IN_FLIGHT ? true : undefined), { intervalMs: 5, description: 'every slot held' });

    const shed = await relayClientBody('{"customer_id": "CUST-1"', { stall: true });

    for (const answer of held.splice(0)) answer();
    await Promise.all(calls);
    expect(shed).toBeInstanceOf(GatewayError);
    expect(shed).toMatchObject({ code: 'SERVICE_UNAVAILABLE', headers: { 'Retry-After': '1' } });
  });

  it('holds no slot while a client is still sending its body: other calls get through', async () => {
    const stalled = Array.from({ length: MAX_IN_FLIGHT }, () => startClientRelay('{"customer_id": "CUST-1"', { stall: true }));
    await Promise.all(stalled.map((relay) => relay.called));

    const statuses = await holdAndRelease(MAX_IN_FLIGHT);

    for (const relay of stalled) relay.abort();
    await Promise.all(stalled.map((relay) => relay.outcome));
    expect(statuses).toEqual(Array(MAX_IN_FLIGHT).fill(200));
    expect(received.filter((request) => request.url === '/things')).toEqual([]);
  });
});

describe('what the gateway relays to the client', () => {
  it('relays the status, the JSON byte for byte, Location and Retry-After, and no other header', async () => {
    const reply = await proxy.relay('POST', '/things', { body: '{}' });

    expect(reply).toEqual({ status: 201, body: '{"id":"T-1","note":"spaces  kept"}', headers: { location: '/api/v1/things/T-1', 'retry-after': '7' } });
  });

  it('relays an answer without a body as one without a body', async () => {
    expect(await proxy.relay('DELETE', '/empty')).toEqual({ status: 204, headers: {} });
  });

  it('relays a redirect to the client instead of following it', async () => {
    const reply = await proxy.relay('GET', '/moved');

    expect(reply).toEqual({ status: 302, headers: { location: '/things' } });
    expect(received.map((request) => request.url)).toEqual(['/moved']);
  });

  it('relays a JSON media type with a suffix (application/problem+json) like JSON', async () => {
    expect(await proxy.relay('GET', '/problem')).toMatchObject({ status: 400, body: '{"error_code":"VALIDATION_ERROR"}' });
  });
});

describe('upstream failures', () => {
  it('answers a non-JSON body (a proxy error page) with 503 SERVICE_UNAVAILABLE instead of relaying it', async () => {
    await expectUnavailable(proxy.relay('GET', '/html'));
  });

  it('answers 503 SERVICE_UNAVAILABLE when the service sends no answer within the timeout', async () => {
    await expectUnavailable(proxy.relay('GET', '/silent'));
  });

  it('answers 503 SERVICE_UNAVAILABLE when the body stalls after the headers: the timeout covers reading the body', async () => {
    await expectUnavailable(proxy.relay('GET', '/stalled-body'));
  });

  it('answers 503 SERVICE_UNAVAILABLE when the connection drops in the middle of the body', async () => {
    await expectUnavailable(proxy.relay('GET', '/dropped'));
  });

  it('answers 503 SERVICE_UNAVAILABLE when nothing listens at the service address', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = new StandInServiceProxy(`http://127.0.0.1:${port}`);

    try {
      await expectUnavailable(nowhere.relay('GET', '/things'));
    } finally {
      await nowhere.onApplicationShutdown();
    }
  });

  it('lets a request the gateway itself could not build fail as the bug it is, not as an outage, and keeps every connection usable', async () => {
    const reply = proxy.relay('GET', '/things', {}, { ...CONTEXT, clientId: 'line\nbreak' });

    const error = await reply.then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    // By shape, not instanceof Error: a client's errors may come from Node's realm rather than Jest's.
    expect(error).toHaveProperty('message');
    expect(error).not.toBeInstanceOf(GatewayError);
    expect(received).toHaveLength(0);
    expect(await holdAndRelease(MAX_IN_FLIGHT)).toEqual(Array(MAX_IN_FLIGHT).fill(200));
  });
});

describe('connections to a service', () => {
  it(`never opens more connections than the ${MAX_IN_FLIGHT} calls it may have in flight, and reuses them`, async () => {
    const before = connectionsAccepted;

    for (let round = 0; round < 5; round += 1) {
      expect(await holdAndRelease(MAX_IN_FLIGHT)).toEqual(Array(MAX_IN_FLIGHT).fill(200));
    }

    expect(connectionsAccepted - before).toBeLessThanOrEqual(MAX_IN_FLIGHT);
  });
});
