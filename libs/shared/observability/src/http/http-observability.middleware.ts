import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { httpRequestDuration } from '../metrics/platform.metrics';
import { contextFromTraceparent, traceparentOf, tracer } from '../tracing/tracing';

type Request = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string; originalUrl?: string };

/** Probes and scrapes: counted in the RED metrics, but a span per probe would bury the traces. */
const UNTRACED = /^\/(health\/(live|ready)|metrics)(\?|$)/;

/**
 * First middleware of every service: a SERVER span that continues the caller's W3C trace, and the
 * request's duration in `http_request_duration_seconds` under its route template (not the raw URL,
 * which would make one series per order id).
 *
 * The incoming `traceparent` header is replaced by the server span's own, so everything downstream
 * that reads it (the request log's trace_id/span_id, the gateway's upstream calls, the order's saga
 * messages) continues from this span without knowing about OpenTelemetry.
 */
export function httpObservability() {
  return (request: Request, response: ServerResponse, next: () => void): void => {
    const started = process.hrtime.bigint();
    const url = request.originalUrl ?? request.url ?? '';
    const traced = !UNTRACED.test(url);
    const incoming = request.headers.traceparent;
    const parent = contextFromTraceparent(typeof incoming === 'string' ? incoming : undefined);
    const span = traced
      ? tracer().startSpan(`${request.method} request`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method ?? '' } }, parent)
      : undefined;
    const own = span ? traceparentOf(span) : undefined;
    if (own) request.headers.traceparent = own;

    let recorded = false;
    // 'close' without 'finish': the client went away mid-request; it still counts, and the span ends.
    const record = () => {
      if (recorded) return;
      recorded = true;
      const route = routeOf(request);
      const status = response.statusCode;
      httpRequestDuration.observe({ method: request.method ?? 'UNKNOWN', route, status_code: String(status) }, Number(process.hrtime.bigint() - started) / 1e9);
      if (!span) return;
      span.updateName(`${request.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    response.once('finish', record);
    response.once('close', record);
    if (span) context.with(trace.setSpan(parent, span), next);
    else next();
  };
}

/** The matched route template (`/api/v1/orders/:id`), or `unmatched` for a 404 outside every route. */
export function routeOf(request: Request): string {
  const path = request.route?.path;
  if (typeof path === 'string') return `${request.baseUrl ?? ''}${path}`;
  return 'unmatched';
}
