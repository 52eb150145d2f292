import { Logger } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { ensureTraceparent } from '@order-saga/shared/logging';
import type { Response } from 'express';
import { AuthenticatedRequest } from '../auth/access-token.guard';
import { GatewayError } from '../errors/gateway-error';

/** What the gateway vouches for on every call to a service behind it. */
export interface ForwardedContext {
  /** From the verified token: the services trust it because only the gateway can reach them. */
  clientId: string;
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

export interface UpstreamRequest {
  body?: unknown;
  /** Appended as a query string; undefined values are left out. */
  query?: Record<string, string | number | undefined>;
}

/** Location points at a created resource (202 while a saga runs); Retry-After at a busy service. */
const RELAYED_HEADERS = ['location', 'retry-after'];
const RETRY_AFTER_SECONDS = '5';
/** Ids are spliced into upstream paths, so only characters that cannot form `..` or `/` pass. */
const RESOURCE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function forwardedContextOf(request: AuthenticatedRequest): ForwardedContext {
  const { traceparent } = request.headers;
  const idempotencyKey = idempotencyKeyOf(request);
  return {
    clientId: request.auth.clientId,
    requestId: String(request.id),
    traceparent: ensureTraceparent(typeof traceparent === 'string' ? traceparent : undefined),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
  };
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

/** Writes an upstream reply to the client: same status, same JSON, same relayed headers. */
export function relayReply(response: Response, reply: UpstreamReply): void {
  for (const [name, value] of Object.entries(reply.headers)) response.setHeader(name, value);
  response.status(reply.status);
  if (reply.body === undefined) response.end();
  else response.type('application/json').send(reply.body);
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
 * methods; all of them share the headers the gateway vouches for, the timeout and the mapping of
 * an unreachable or non-JSON upstream to 503 SERVICE_UNAVAILABLE with Retry-After.
 */
export abstract class UpstreamServiceProxy {
  private readonly logger: Logger;
  private readonly baseUrl: string;

  protected constructor(
    private readonly serviceLabel: string,
    baseUrl: string,
    private readonly timeoutMs: number,
  ) {
    this.logger = new Logger(`${serviceLabel} proxy`);
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async send(method: UpstreamMethod, path: string, context: ForwardedContext, request: UpstreamRequest = {}): Promise<UpstreamReply> {
    const started = Date.now();
    const url = `${this.baseUrl}${path}${queryString(request.query)}`;
    let upstream: globalThis.Response;
    let text: string;
    try {
      upstream = await fetch(url, {
        method,
        headers: upstreamHeaders(context, request.body !== undefined),
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        // Redirects are the client's to follow; following one here would fetch on the client's behalf.
        redirect: 'manual',
        // Covers reading the body too, so a stalled stream ends as a timeout rather than a hung request.
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await upstream.text();
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      this.logger.warn({ method, path, elapsed_ms: Date.now() - started, err: error }, `${this.serviceLabel} unreachable`);
      throw this.unavailable();
    }

    if (text !== '' && !/^application\/([\w.+-]+\+)?json\b/i.test(upstream.headers.get('content-type') ?? '')) {
      // Not the service talking (a proxy error page, a wrong URL); relaying it would break the API's JSON contract.
      this.logger.error({ method, path, status: upstream.status, content_type: upstream.headers.get('content-type') }, `${this.serviceLabel} answered with a non-JSON body`);
      throw this.unavailable();
    }
    const headers: Record<string, string> = {};
    for (const name of RELAYED_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    return { status: upstream.status, ...(text !== '' ? { body: text } : {}), headers };
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

function upstreamHeaders(context: ForwardedContext, hasBody: boolean): Record<string, string> {
  return {
    accept: 'application/json',
    ...(hasBody ? { 'content-type': 'application/json' } : {}),
    'x-client-id': context.clientId,
    'x-request-id': context.requestId,
    traceparent: context.traceparent,
    ...(context.idempotencyKey !== undefined ? { 'x-idempotency-key': context.idempotencyKey } : {}),
  };
}

/**
 * Timeouts and network failures. undici reports the latter as a TypeError with a `cause`; a
 * TypeError without one is a bug on our side (a bad header value, say) and must not pass for an
 * outage. Checked by name, not instanceof: fetch's errors come from Node's realm, which is not the
 * realm of the code under Jest.
 */
function isUnreachable(error: unknown): boolean {
  const { name, cause } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; cause?: unknown };
  return name === 'TimeoutError' || name === 'AbortError' || (name === 'TypeError' && cause !== undefined);
}
