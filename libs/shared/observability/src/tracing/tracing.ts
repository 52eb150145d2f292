import { context, Context, isSpanContextValid, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { JsonLinesSpanExporter } from './json-lines-span.exporter';

export const TRACES_EXPORTERS = ['none', 'otlp', 'file'] as const;
export type TracesExporter = (typeof TRACES_EXPORTERS)[number];

export interface TracingSettings {
  service: string;
  /** `none` (default): spans are created, so ids propagate, but nothing is exported. */
  exporter: TracesExporter;
  /** OTLP/HTTP base URL (the exporter appends /v1/traces), for `otlp`. */
  otlpEndpoint?: string;
  /** JSON-lines file, for `file`. */
  file?: string;
}

const TRACER = 'order-saga';
let provider: NodeTracerProvider | undefined;

/**
 * Registers the process's tracer provider with the W3C trace-context propagator and an
 * AsyncLocalStorage context manager. Once per process; later calls are ignored, so a test that
 * boots several apps in one process keeps the first settings.
 */
export function startTracing(settings: TracingSettings): void {
  if (provider) return;
  const spanProcessors: SpanProcessor[] = [];
  if (settings.exporter === 'otlp') {
    const url = settings.otlpEndpoint ? `${settings.otlpEndpoint.replace(/\/$/, '')}/v1/traces` : undefined;
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter(url ? { url } : {})));
  } else if (settings.exporter === 'file' && settings.file) {
    spanProcessors.push(new SimpleSpanProcessor(new JsonLinesSpanExporter(settings.file)));
  }
  provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': settings.service }), spanProcessors });
  provider.register();
}

/** Exports what is still buffered (OTLP batches) before the process exits. */
export async function stopTracing(): Promise<void> {
  await provider?.shutdown().catch(() => undefined);
}

export function tracer() {
  return trace.getTracer(TRACER);
}

/** The context a W3C `traceparent` (and `tracestate`) describe; the root context when absent or malformed. */
export function contextFromTraceparent(traceparent: string | null | undefined, tracestate?: string): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent, ...(tracestate ? { tracestate } : {}) });
}

/**
 * The `traceparent` that makes the receiver's span a child of `span`; undefined when tracing is not
 * started (the no-op API's spans have no valid ids), so callers keep the one they had.
 */
export function traceparentOf(span: Span): string | undefined {
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!isSpanContextValid(span.spanContext())) return undefined;
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

/**
 * Runs `work` in a CONSUMER span that continues the trace of a received message's `traceparent`,
 * and hands the work the `traceparent` its own outgoing messages should carry.
 */
export async function inConsumerSpan<T>(
  name: string,
  traceparent: string | null | undefined,
  attributes: Record<string, string | number | undefined>,
  work: (childTraceparent: string | null) => Promise<T>,
): Promise<T> {
  const parent = contextFromTraceparent(traceparent);
  const span = tracer().startSpan(name, { kind: SpanKind.CONSUMER, attributes: definedOnly(attributes) }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(traceparentOf(span) ?? traceparent ?? null));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

export function definedOnly(attributes: Record<string, string | number | undefined>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(attributes).filter((entry): entry is [string, string | number] => entry[1] !== undefined));
}
