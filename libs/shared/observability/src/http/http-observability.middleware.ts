import type { ServerResponse } from 'node:http';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { httpRequestDuration } from '../metrics/platform.metrics';
import { contextFromTraceparent, traceparentOf, tracer } from '../tracing/tracing';
import { routeOf, RoutedRequest, UNTRACED_PATHS } from './route-of';

export { routeOf } from './route-of';

/**
 * First middleware of every service: the request's SERVER span, and the request's duration in
 * `http_request_duration_seconds` under its route template (not the raw URL, which would make one
 * series per order id).
 *
 * The span is the HTTP instrumentation's when spans are exported (it is active when the request
 * reaches express; instrumentations.ts names it after the route), else one made here that continues
 * the caller's W3C trace. Either way the incoming `traceparent` header is replaced by the server
 * span's own, so everything downstream that reads it (the request log's trace_id/span_id, the
 * gateway's upstream calls, the order's saga messages) continues from this span without knowing
 * about OpenTelemetry.
 */
export function httpObservability() {
  return (request: RoutedRequest, response: ServerResponse, next: () => void): void => {
    const started = process.hrtime.bigint();
    const url = request.originalUrl ?? request.url ?? '';
    const instrumented = trace.getActiveSpan();
    const parent = instrumented || UNTRACED_PATHS.test(url) ? undefined : contextFromTraceparent(headerOf(request));
    const own = parent
      ? tracer().startSpan(`${request.method} request`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method ?? '' } }, parent)
      : undefined;
    const traceparent = traceparentOf(instrumented ?? own);
    if (traceparent) request.headers.traceparent = traceparent;

    let recorded = false;
    // 'close' without 'finish': the client went away mid-request; it still counts, and the span ends.
    const record = () => {
      if (recorded) return;
      recorded = true;
      const route = routeOf(request);
      const status = response.statusCode;
      httpRequestDuration.observe({ method: request.method ?? 'UNKNOWN', route, status_code: String(status) }, Number(process.hrtime.bigint() - started) / 1e9);
      if (!own) return;
      own.updateName(`${request.method} ${route}`);
      own.setAttributes({ 'http.route': route, 'http.response.status_code': status });
      if (status >= 500) own.setStatus({ code: SpanStatusCode.ERROR });
      own.end();
    };
    response.once('finish', record);
    response.once('close', record);
    if (own && parent) context.with(trace.setSpan(parent, own), next);
    else next();
  };
}

function headerOf(request: RoutedRequest): string | undefined {
  const incoming = request.headers.traceparent;
  return typeof incoming === 'string' ? incoming : undefined;
}
