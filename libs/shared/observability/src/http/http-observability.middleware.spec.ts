import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, SpanKind, trace } from '@opentelemetry/api';
import express from 'express';
import { pollUntil } from '@order-saga/shared/testing';
import { metricsRegistry } from '../metrics/metrics-registry';
import type { ExportedSpan } from '../tracing/json-lines-span.exporter';
import { startTracing, traceparentOf } from '../tracing/tracing';
import { httpObservability } from './http-observability.middleware';

describe('httpObservability', () => {
  const spansFile = join(mkdtempSync(join(tmpdir(), 'obs-spans-')), 'spans.jsonl');
  let baseUrl: string;
  let close: () => void;

  beforeAll(async () => {
    startTracing({ service: 'middleware-spec', exporter: 'file', file: spansFile });
    const app = express();
    app.use(httpObservability());
    app.get('/orders/:id', (request, response) => {
      response.json({ seen: request.headers.traceparent });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });

  afterAll(() => close());

  it("continues the caller's trace and hands the handler its own span as the traceparent", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';

    const response = await fetch(`${baseUrl}/orders/ORD-1`, { headers: { traceparent: `00-${traceId}-${callerSpan}-01` } });
    const { seen } = (await response.json()) as { seen: string };

    const [, seenTrace, seenSpan] = seen.split('-');
    expect(seenTrace).toBe(traceId);
    expect(seenSpan).not.toBe(callerSpan);
    const span = await pollUntil(async () => spansIn(spansFile).find((candidate) => candidate.spanId === seenSpan));
    expect(span).toMatchObject({ traceId, parentSpanId: callerSpan, name: 'GET /orders/:id', service: 'middleware-spec' });
  });

  it("adopts the server span already active (the HTTP instrumentation's) instead of making a second one", async () => {
    const instrumented = trace.getTracer('spec').startSpan('POST', { kind: SpanKind.SERVER });
    const request = Object.assign(new EventEmitter(), {
      method: 'POST',
      url: '/orders',
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    const response = Object.assign(new EventEmitter(), { statusCode: 201 });
    const seen: (string | undefined)[] = [];

    context.with(trace.setSpan(context.active(), instrumented), () =>
      httpObservability()(request as never, response as never, () => seen.push(trace.getActiveSpan()?.spanContext().spanId)),
    );
    response.emit('finish');
    instrumented.end();

    expect(seen).toEqual([instrumented.spanContext().spanId]);
    expect(request.headers.traceparent).toBe(traceparentOf(instrumented));
    await pollUntil(async () => spansIn(spansFile).find((span) => span.spanId === instrumented.spanContext().spanId));
    const inItsTrace = spansIn(spansFile).filter((span) => span.traceId === instrumented.spanContext().traceId);
    expect(inItsTrace.map((span) => span.spanId)).toEqual([instrumented.spanContext().spanId]);
  });

  it('counts requests under the route template, not the raw path', async () => {
    await fetch(`${baseUrl}/orders/ORD-2`);
    await fetch(`${baseUrl}/nowhere`);

    const text = await metricsRegistry.getSingleMetricAsString('http_request_duration_seconds');
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/orders\/:id",status_code="200"\} [1-9]/);
    expect(text).toMatch(/route="unmatched",status_code="404"/);
    expect(text).not.toContain('ORD-2');
  });
});

function spansIn(file: string): ExportedSpan[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ExportedSpan);
}
