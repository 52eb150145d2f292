import { context, Context, isSpanContextValid, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { JsonLinesSpanExporter } from './json-lines-span.exporter';
import { PropagatingTracerProvider } from './propagating-tracer';
import { samplerOf, TracesSampler } from './sampler';

export const TRACES_EXPORTERS = ['none', 'otlp', 'file'] as const;
export type TracesExporter = (typeof TRACES_EXPORTERS)[number];

export interface TracingSettings {
  service: string;
  /** `none` (default): spans are ids only (PropagatingTracerProvider), so ids propagate, and nothing is recorded. */
  exporter: TracesExporter;
  /** OTLP/HTTP base URL (the exporter appends /v1/traces), for `otlp`. */
  otlpEndpoint?: string;
  /** JSON-lines file, for `file`. */
  file?: string;
  /** OTEL_TRACES_SAMPLER; parentbased_always_on when unset. Not used with `none`. */
  sampler?: TracesSampler;
  /** OTEL_TRACES_SAMPLER_ARG: the ratio of the *traceidratio samplers. */
  samplerRatio?: number;
}

/**
 * The exporter the OTEL_* variables select: OTEL_TRACES_EXPORTER, else `otlp` when a collector endpoint is
 * set, else `none`; an unknown value selects `none` here (BaseServiceConfig stops the boot on it).
 */
export function tracesExporterOf(variable: (name: 'OTEL_TRACES_EXPORTER' | 'OTEL_EXPORTER_OTLP_ENDPOINT') => string | undefined): TracesExporter {
  const named = variable('OTEL_TRACES_EXPORTER') || (variable('OTEL_EXPORTER_OTLP_ENDPOINT') ? 'otlp' : 'none');
  return (TRACES_EXPORTERS as readonly string[]).includes(named) ? (named as TracesExporter) : 'none';
}

const TRACER = 'order-saga';
let started = false;
/** Whether spans are recorded (an exporter is set); without, spans made only for their structure are skipped. */
let recording = false;
let provider: NodeTracerProvider | undefined;

/**
 * Registers the process's tracer provider with the W3C trace-context propagator and an
 * AsyncLocalStorage context manager. Once per process; later calls are ignored, so a test that
 * boots several apps in one process keeps the first settings.
 *
 * With an exporter, the SDK records what the sampler keeps, and the instrumentations registered at
 * start-up (instrumentations.ts) report through it. Without one, spans cost an id and nothing else.
 */
export function startTracing(settings: TracingSettings): void {
  if (started) return;
  started = true;
  if (settings.exporter === 'none') {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new PropagatingTracerProvider());
    return;
  }
  recording = true;
  const spanProcessors: SpanProcessor[] = [];
  if (settings.exporter === 'otlp') {
    const url = settings.otlpEndpoint ? `${settings.otlpEndpoint.replace(/\/$/, '')}/v1/traces` : undefined;
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter(url ? { url } : {})));
  } else if (settings.file) {
    spanProcessors.push(new SimpleSpanProcessor(new JsonLinesSpanExporter(settings.file)));
  }
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.service }),
    sampler: samplerOf(settings.sampler, settings.samplerRatio),
    spanProcessors,
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
}

/** Exports what is still buffered (OTLP batches) before the process exits. */
export async function stopTracing(): Promise<void> {
  await provider?.shutdown().catch(() => undefined);
}

export function tracer() {
  return trace.getTracer(TRACER);
}

/**
 * Runs `work` outside whatever trace is active, for work that serves many traces and was only set off by
 * one of them (the outbox relay woken by a commit): what it does is not a step of that one.
 */
export function outsideTraces<T>(work: () => T): T {
  return context.with(ROOT_CONTEXT, work);
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
export function traceparentOf(span: Span | undefined): string | undefined {
  if (!span || !isSpanContextValid(span.spanContext())) return undefined;
  const { traceId, spanId, traceFlags } = span.spanContext();
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

/**
 * Runs `work`, one transaction that applies several received messages (a consumer batch), in an INTERNAL
 * span: when the messages all belong to one trace (a quiet system, or one order's two events), a child
 * of the first one's `traceparent`, so the transaction's statements (begin, inbox, outbox, commit) are
 * part of that order's trace; otherwise the root of a trace of its own, linked to each message's.
 */
export async function inBatchSpan<T>(
  name: string,
  traceparents: readonly (string | null | undefined)[],
  attributes: Record<string, string | number | undefined>,
  work: () => Promise<T>,
): Promise<T> {
  // Its id goes nowhere (log lines and messages carry the consumer spans'), so without an exporter it is not made.
  if (!recording) return work();
  const senders = traceparents.map((traceparent) => trace.getSpanContext(contextFromTraceparent(traceparent))).filter((sender) => sender !== undefined);
  const oneTrace = senders.length === traceparents.length && senders.every((sender) => sender.traceId === senders[0].traceId);
  const parent = oneTrace && senders.length > 0 ? contextFromTraceparent(traceparents[0]) : ROOT_CONTEXT;
  const links = oneTrace ? [] : senders.map((sender) => ({ context: sender }));
  const span = tracer().startSpan(name, { kind: SpanKind.INTERNAL, attributes: definedOnly(attributes), links }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } finally {
    span.end();
  }
}

export function definedOnly(attributes: Record<string, string | number | undefined>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(attributes).filter((entry): entry is [string, string | number] => entry[1] !== undefined));
}
