import { OnApplicationShutdown } from '@nestjs/common';
import { OPERATOR_ID_HEADER } from '@order-saga/contracts/http/operator';
import { DomainError, JsonBodyReader } from '@order-saga/shared/http';
import { ensureTraceparent } from '@order-saga/shared/logging';
import type { Request, Response } from 'express';
import type { PinoLogger } from 'nestjs-pino';
import { Dispatcher, Pool } from 'undici';
import { AuthenticatedRequest } from '../auth/access-token.guard';
import { GatewayError } from '../errors/gateway-error';
import { InFlightLimit } from './in-flight-limit';

/**
 * What the gateway vouches for on every call to a service behind it: the caller, either an API client or an
 * operator (never both), and the request. The services trust it because only the gateway can reach them.
 */
export type ForwardedContext = ForwardedRequest & ({ clientId: string; operatorId?: never } | { operatorId: string; clientId?: never });

interface ForwardedRequest {
  requestId: string;
  traceparent: string;
  idempotencyKey?: string;
}

/** A service's answer, relayed to the client as it came. */
export interface UpstreamReply {
  status: number;
  /** Raw JSON text, passed through byte for byte; undefined for an empty body. */
  body?: string;
  headers: Record<string, string>;
}

export type UpstreamMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** An order of 100 lines is ~15 kB of JSON; anything far beyond that is not an order. */
export const JSON_BODY_LIMIT = '64kb';

/**
 * A client's JSON body, not read yet. The proxy reads it only when the call's in-flight limit has room, so
 * a shed request costs no body read, and relays its bytes as they came after the size, charset and
 * structure checks (JsonBodyReader): the service behind parses and validates it, the gateway never does.
 */
export class ClientJsonBody {
  constructor(readonly request: Request) {}
}

export interface UpstreamRequest {
  /** The client's body, or a JSON text of the gateway's own. */
  body?: ClientJsonBody | string;
  /** Appended as a query string; undefined values are left out. */
  query?: Record<string, string | number | undefined>;
}

/**
 * Location points at a created resource (202 while a saga runs); Retry-After at a busy service;
 * Idempotent-Replayed marks an operator action's repeated answer.
 */
const RELAYED_HEADERS = ['location', 'retry-after', 'idempotent-replayed'];
const RETRY_AFTER_SECONDS = '5';
/**
 * A slot frees as soon as any call in flight ends (well under a second at capacity), so a refused
 * client may come back soon; the seed tells clients to back off exponentially on 503, which spreads them.
 */
const SHED_RETRY_AFTER_SECONDS = '1';
/** Under overload every request would warn; one line per interval says it is happening and how often. */
const SHED_WARN_EVERY_MS = 10_000;
/** Ids are spliced into upstream paths, so only characters that cannot form `..` or `/` pass. */
const RESOURCE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function forwardedContextOf(request: AuthenticatedRequest): ForwardedContext {
  const idempotencyKey = idempotencyKeyOf(request);
  return {
    clientId: request.auth.clientId,
    ...forwardedRequestOf(request),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
  };
}

/** An operator's call: the operator from the checked session; idempotency is the body's action id, not a header. */
export function operatorContextOf(request: Request & { id: string }, operatorId: string): ForwardedContext {
  return { operatorId, ...forwardedRequestOf(request) };
}

function forwardedRequestOf(request: Request & { id: string }): ForwardedRequest {
  const { traceparent } = request.headers;
  return { requestId: String(request.id), traceparent: ensureTraceparent(typeof traceparent === 'string' ? traceparent : undefined) };
}

/** 1–255 printable ASCII characters: the key is stored and compared as given, so nothing invisible may hide in it. */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/**
 * The seed's X-Idempotency-Key or the IETF draft's standard Idempotency-Key; the services only ever see
 * x-idempotency-key. Both given with different values is ambiguous and refused.
 */
export function idempotencyKeyOf(request: Pick<AuthenticatedRequest, 'headers'>): string | undefined {
  const given = (['x-idempotency-key', 'idempotency-key'] as const)
    .map((name) => ({ name, value: request.headers[name] }))
    .filter((header): header is { name: 'x-idempotency-key' | 'idempotency-key'; value: string } => typeof header.value === 'string');
  if (given.length === 0) return undefined;
  for (const { name, value } of given) {
    if (!IDEMPOTENCY_KEY.test(value)) {
      throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [{ field: headerName(name), error: 'Must be 1–255 printable ASCII characters' }]);
    }
  }
  if (given.length === 2 && given[0].value !== given[1].value) {
    throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [
      { field: 'Idempotency-Key', error: 'Must equal X-Idempotency-Key when both are sent' },
    ]);
  }
  return given[0].value;
}

function headerName(name: 'x-idempotency-key' | 'idempotency-key'): string {
  return name === 'x-idempotency-key' ? 'X-Idempotency-Key' : 'Idempotency-Key';
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Writes an upstream reply to the client: same status, same JSON, same relayed headers. */
export function relayReply(response: Response, reply: UpstreamReply): void {
  for (const [name, value] of Object.entries(reply.headers)) response.setHeader(name, value);
  response.status(reply.status);
  if (reply.body === undefined) {
    response.end();
  } else if (response.req.method === 'GET' || response.req.method === 'HEAD') {
    // express's send adds the ETag that lets a client polling an order revalidate it (304).
    response.type('application/json').send(reply.body);
  } else {
    // The answer to a change is never revalidated, so it is written as it came, without hashing it for an ETag.
    response.setHeader('Content-Type', JSON_CONTENT_TYPE);
    response.setHeader('Content-Length', Buffer.byteLength(reply.body));
    response.end(reply.body);
  }
}

/**
 * A path segment built from a client-supplied id. Anything that is not a plain id cannot name a
 * resource, so it is answered as one that does not exist.
 */
export function pathSegment(id: string, resource: string): string {
  if (!RESOURCE_ID.test(id)) throw new DomainError('NOT_FOUND', `${resource} ${id} does not exist`);
  return id;
}

/**
 * The gateway's HTTP client of one service behind it. Subclasses name the service and add typed
 * methods; all of them share the headers the gateway vouches for, the timeout, the service's
 * in-flight limits and the mapping of an unreachable or non-JSON upstream, or of a full limit, to
 * 503 SERVICE_UNAVAILABLE with Retry-After.
 *
 * Calls go through an undici Pool of the service's origin rather than Node's fetch: fetch wraps
 * every call in WHATWG Request/Response objects and web streams, the largest share of the gateway's
 * CPU per relayed order in a profile (tools/perf/src/proxy-cost.cli.ts). The pool keeps connections
 * alive and may open as many as the service's in-flight limits have slots together, so a call that
 * got a slot never waits behind another call, and the gateway never holds more connections to the
 * service than it may have calls in flight (fetch's global Agent has no such bound: it opened up to
 * two per slot). Idle ones close after undici's ~4 s, before the services' 5 s keep-alive timeout.
 */
export abstract class UpstreamServiceProxy implements OnApplicationShutdown {
  private readonly pool: Pool;
  /** The base URL's path, without a trailing slash; requests go to the pool with it in front. */
  private readonly basePath: string;
  private shedSinceWarning = 0;
  private lastShedWarning = 0;

  protected constructor(
    private readonly serviceLabel: string,
    baseUrl: string,
    private readonly timeoutMs: number,
    /** Bounds every call of this service that does not name a limit of its own (see sendWithin). */
    private readonly inFlight: InFlightLimit,
    private readonly bodyReader: JsonBodyReader,
    private readonly logger: PinoLogger,
    /** The limits subclasses pass to sendWithin; they count towards the pool's connections. */
    ownLimits: readonly InFlightLimit[] = [],
  ) {
    logger.setContext(`${serviceLabel} proxy`);
    const url = new URL(baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    const connections = [inFlight, ...ownLimits].reduce((sum, limit) => sum + limit.max, 0);
    this.pool = new Pool(url.origin, { connections });
  }

  send(method: UpstreamMethod, path: string, context: ForwardedContext, request: UpstreamRequest = {}): Promise<UpstreamReply> {
    return this.sendWithin(this.inFlight, method, path, context, request);
  }

  /** Lets the calls in flight finish, then closes the connections. */
  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }

  /**
   * Takes a slot of `limit` for the whole call or refuses at once with 503 and
   * Retry-After, without calling the service. Rate-limit tokens already spent on the request are not
   * given back (docs/edge-contract.md, Admission control). `limit` is `inFlight` or one of `ownLimits`.
   */
  protected async sendWithin(
    limit: InFlightLimit,
    method: UpstreamMethod,
    path: string,
    context: ForwardedContext,
    request: UpstreamRequest = {},
  ): Promise<UpstreamReply> {
    let body: Buffer | string | undefined;
    if (request.body instanceof ClientJsonBody) {
      // Shed before reading the client's body, and read it without a slot: a client still sending holds none.
      if (!limit.admits()) throw this.atCapacity(limit);
      body = (await this.bodyReader.read(request.body.request))?.bytes;
    } else {
      body = request.body;
    }
    const release = limit.tryAcquire();
    if (release === undefined) throw this.atCapacity(limit);
    try {
      return await this.exchange(method, path, context, body, request.query);
    } finally {
      release();
    }
  }

  private atCapacity(limit: InFlightLimit): GatewayError {
    this.warnShedding(limit);
    return new GatewayError('SERVICE_UNAVAILABLE', `The ${this.serviceLabel} is at capacity`, { 'Retry-After': SHED_RETRY_AFTER_SECONDS });
  }

  private async exchange(
    method: UpstreamMethod,
    path: string,
    context: ForwardedContext,
    body: Buffer | string | undefined,
    query: UpstreamRequest['query'],
  ): Promise<UpstreamReply> {
    const started = Date.now();
    let upstream: UpstreamAnswer;
    try {
      // Redirects are the client's to follow: a Pool without a redirect interceptor relays them as they came.
      upstream = await call(
        this.pool,
        { method, path: `${this.basePath}${path}${queryString(query)}`, headers: upstreamHeaders(context, body !== undefined), body },
        this.timeoutMs,
      );
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      this.logger.warn({ method, path, elapsed_ms: Date.now() - started, err: error }, `${this.serviceLabel} unreachable`);
      throw this.unavailable();
    }

    const { text } = upstream;
    const contentType = upstream.headers.get('content-type');
    if (text !== '' && !/^application\/([\w.+-]+\+)?json\b/i.test(contentType ?? '')) {
      // Not the service talking (a proxy error page, a wrong URL); relaying it would break the API's JSON contract.
      this.logger.error({ method, path, status: upstream.statusCode, content_type: contentType }, `${this.serviceLabel} answered with a non-JSON body`);
      throw this.unavailable();
    }
    const headers: Record<string, string> = {};
    for (const name of RELAYED_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== undefined) headers[name] = value;
    }
    return { status: upstream.statusCode, ...(text !== '' ? { body: text } : {}), headers };
  }

  private warnShedding(limit: InFlightLimit): void {
    this.shedSinceWarning += 1;
    const now = Date.now();
    if (now - this.lastShedWarning < SHED_WARN_EVERY_MS) return;
    this.logger.warn(
      { limit: limit.name, max_in_flight: limit.max, shed_since_last_warning: this.shedSinceWarning },
      `${this.serviceLabel}: in-flight limit reached, answering 503`,
    );
    this.lastShedWarning = now;
    this.shedSinceWarning = 0;
  }

  private unavailable(): GatewayError {
    return new GatewayError('SERVICE_UNAVAILABLE', `The ${this.serviceLabel} is temporarily unavailable`, { 'Retry-After': RETRY_AFTER_SECONDS });
  }
}

function queryString(query: UpstreamRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.append(name, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** What undici (and fetch before it) accepts as a header value: no control characters but tab. */
const SENDABLE_HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Built from nothing but the context: no header of the client's reaches a service, so a client cannot pass for
 * another client or for an operator by sending x-client-id or x-operator-id itself.
 */
function upstreamHeaders(context: ForwardedContext, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...(hasBody ? { 'content-type': 'application/json' } : {}),
    ...(context.clientId !== undefined ? { 'x-client-id': context.clientId } : { [OPERATOR_ID_HEADER]: context.operatorId }),
    'x-request-id': context.requestId,
    traceparent: context.traceparent,
    ...(context.idempotencyKey !== undefined ? { 'x-idempotency-key': context.idempotencyKey } : {}),
  };
  // Checked here rather than left to undici: a request its Pool refuses to build leaves the connection
  // it was meant for waiting for a 'drain' that never comes (undici 7.30), one connection lost per refusal.
  for (const [name, value] of Object.entries(headers)) {
    if (!SENDABLE_HEADER_VALUE.test(value)) throw new Error(`the ${name} header value cannot be sent upstream`);
  }
  return headers;
}

/** A service's answer as it came: the status, the headers the gateway reads, the whole body as text. */
interface UpstreamAnswer {
  statusCode: number;
  headers: Map<string, string>;
  text: string;
}

/** The answer's headers the gateway reads: Content-Type, and the relayed ones. */
const READ_HEADERS = new Set(['content-type', ...RELAYED_HEADERS]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * One call through the pool's own dispatch, the answer's body gathered into one string. undici's
 * request() wraps every call in an AsyncResource, an AbortSignal listener and a Readable for the body,
 * which together cost more of the gateway's CPU per relayed order than the rest of the call
 * (tools/perf proxy-cost). One deadline covers the whole call, the body included, so a stalled answer
 * ends as a timeout rather than a hung request; an aborted call fails with the deadline's error, as
 * request() failed with its signal's reason.
 */
function call(pool: Pool, options: Dispatcher.DispatchOptions, timeoutMs: number): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    let abort: ((reason: Error) => void) | undefined;
    let expired: Error | undefined;
    const timer = setTimeout(() => {
      expired = new UpstreamTimeoutError(timeoutMs);
      // Not dispatched to a connection yet: onConnect aborts it as soon as it is.
      abort?.(expired);
    }, timeoutMs);
    let statusCode = 0;
    let rawHeaders: Buffer[] = [];
    const chunks: Buffer[] = [];
    pool.dispatch(options, {
      onConnect: (abortCall: (reason: Error) => void) => {
        abort = abortCall;
        if (expired) abortCall(expired);
      },
      onHeaders: (status: number, headers: Buffer[]) => {
        // 1xx informational answers come first and are not the answer.
        if (status >= 200) {
          statusCode = status;
          rawHeaders = headers;
        }
        return true;
      },
      onData: (chunk: Buffer) => {
        chunks.push(chunk);
        return true;
      },
      onComplete: () => {
        clearTimeout(timer);
        resolve({ statusCode, headers: headersOf(rawHeaders), text: textOf(Buffer.concat(chunks)) });
      },
      onError: (error: Error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
  });
}

/** The READ_HEADERS of an answer, by lower-case name; repeated ones joined the way fetch's Headers.get joined them. */
function headersOf(raw: Buffer[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index].toString('latin1').toLowerCase();
    if (!READ_HEADERS.has(name)) continue;
    const value = raw[index + 1].toString('latin1');
    const before = headers.get(name);
    headers.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  return headers;
}

/** UTF-8 without a byte order mark, as undici's body.text() decoded it. */
function textOf(bytes: Buffer): string {
  return bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.toString('utf8', 3) : bytes.toString('utf8');
}

/** Why a call's deadline aborted it; named like the DOMException of AbortSignal.timeout(). */
class UpstreamTimeoutError extends Error {
  override readonly name = 'TimeoutError';

  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
  }
}

/** undici's codes for a failure of the connection or of the service's HTTP, as opposed to a request undici refused to send. */
const UPSTREAM_FAILURE_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_HEADERS_OVERFLOW',
  'UND_ERR_SOCKET',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_ABORTED',
  // The pool is closed: the gateway is shutting down.
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

/**
 * Timeouts, network failures and answers that are not HTTP. A request undici refuses to send (an
 * invalid header value: UND_ERR_INVALID_ARG, say) is a bug on our side and must not pass for an
 * outage. Checked by name and code, not instanceof: errors from node:net and undici need not come
 * from the realm of the code under Jest.
 */
function isUnreachable(error: unknown): boolean {
  const { name, code, syscall } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; code?: unknown; syscall?: unknown };
  if (name === 'TimeoutError' || name === 'AbortError') return true;
  // ECONNREFUSED, ECONNRESET, ENOTFOUND...: the operating system's socket and DNS errors name their call.
  if (typeof syscall === 'string') return true;
  // HPE_*: llhttp could not parse the answer, so whatever answered was not speaking HTTP.
  return typeof code === 'string' && (UPSTREAM_FAILURE_CODES.has(code) || code.startsWith('HPE_'));
}
