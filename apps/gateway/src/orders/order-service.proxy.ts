import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { ensureTraceparent } from '@order-saga/shared/logging';
import type { Response } from 'express';
import { AuthenticatedRequest } from '../auth/access-token.guard';
import { GatewayConfig } from '../config/gateway.config';
import { GatewayError } from '../errors/gateway-error';

/** What the gateway vouches for on every call to order-service. */
export interface ForwardedContext {
  /** From the verified token: order-service trusts it because only the gateway can reach it. */
  clientId: string;
  requestId: string;
  traceparent: string;
  idempotencyKey?: string;
}

/** order-service's answer, relayed to the client as it came. */
export interface UpstreamReply {
  status: number;
  /** Raw JSON text, passed through byte for byte; undefined for an empty body. */
  body?: string;
  headers: Record<string, string>;
}

/** Location points at the order (202 while the saga runs, 201 when done); Retry-After at a busy order-service. */
const RELAYED_HEADERS = ['location', 'retry-after'];
const RETRY_AFTER_SECONDS = '5';
/** Ids are spliced into the upstream path, so only characters that cannot form `..` or `/` pass. */
const ORDER_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function forwardedContextOf(request: AuthenticatedRequest): ForwardedContext {
  const { traceparent, 'x-idempotency-key': idempotencyKey } = request.headers;
  return {
    clientId: request.auth.clientId,
    requestId: String(request.id),
    traceparent: ensureTraceparent(typeof traceparent === 'string' ? traceparent : undefined),
    ...(typeof idempotencyKey === 'string' ? { idempotencyKey } : {}),
  };
}

/** Writes an upstream reply to the client: same status, same JSON, same relayed headers. */
export function relayReply(response: Response, reply: UpstreamReply): void {
  for (const [name, value] of Object.entries(reply.headers)) response.setHeader(name, value);
  response.status(reply.status);
  if (reply.body === undefined) response.end();
  else response.type('application/json').send(reply.body);
}

/** The gateway's HTTP client of order-service. */
@Injectable()
export class OrderServiceProxy {
  private readonly logger = new Logger(OrderServiceProxy.name);
  private readonly baseUrl: string;

  constructor(private readonly config: GatewayConfig) {
    this.baseUrl = config.ORDER_SERVICE_URL.replace(/\/+$/, '');
  }

  placeOrder(order: unknown, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('POST', '/orders', context, order);
  }

  getOrder(orderId: string, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('GET', `/orders/${orderPathSegment(orderId)}`, context);
  }

  trackOrder(orderId: string, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('GET', `/orders/${orderPathSegment(orderId)}/track`, context);
  }

  private async send(method: 'GET' | 'POST', path: string, context: ForwardedContext, body?: unknown): Promise<UpstreamReply> {
    const started = Date.now();
    let upstream: globalThis.Response;
    let text: string;
    try {
      upstream = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: upstreamHeaders(context, body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
        // Redirects are the client's to follow; following one here would fetch on the client's behalf.
        redirect: 'manual',
        // Covers reading the body too, so a stalled stream ends as a timeout rather than a hung request.
        signal: AbortSignal.timeout(this.config.UPSTREAM_TIMEOUT_MS),
      });
      text = await upstream.text();
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      this.logger.warn({ method, path, elapsed_ms: Date.now() - started, err: error }, 'order-service unreachable');
      throw unavailable();
    }

    if (text !== '' && !/^application\/([\w.+-]+\+)?json\b/i.test(upstream.headers.get('content-type') ?? '')) {
      // Not order-service talking (a proxy error page, a wrong URL); relaying it would break the API's JSON contract.
      this.logger.error({ method, path, status: upstream.status, content_type: upstream.headers.get('content-type') }, 'order-service answered with a non-JSON body');
      throw unavailable();
    }
    const headers: Record<string, string> = {};
    for (const name of RELAYED_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    return { status: upstream.status, ...(text !== '' ? { body: text } : {}), headers };
  }
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

function orderPathSegment(orderId: string): string {
  if (!ORDER_ID.test(orderId)) throw new DomainError('NOT_FOUND', `Order ${orderId} does not exist`);
  return orderId;
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

function unavailable(): GatewayError {
  return new GatewayError('SERVICE_UNAVAILABLE', 'Order service is temporarily unavailable', { 'Retry-After': RETRY_AFTER_SECONDS });
}
