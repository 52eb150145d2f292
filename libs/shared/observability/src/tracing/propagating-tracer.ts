import { Context, context, INVALID_SPAN_CONTEXT, isSpanContextValid, Span, SpanOptions, trace, TraceFlags, Tracer, TracerProvider } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace-node';

/**
 * The tracer of a process that exports no spans (OTEL_TRACES_EXPORTER=none). A span is only an id: a
 * non-recording span with a fresh span id, in its parent's trace (or a new one), so the traceparent a
 * request or message hands on, and the trace_id/span_id of the log lines, stay what they would be with
 * an exporter. Nothing is recorded, timed or handed to a processor.
 *
 * The SDK's own always_off sampler would clear the sampled flag of every traceparent this process hands
 * on, so a process further down that does export (with a parent-based sampler) would never record its
 * part of the trace. Here the flag passes through as it came; a trace that starts here is flagged
 * sampled, as the gateway's own new traceparents are (ensureTraceparent), and leaves the decision to
 * whoever records.
 */
export class PropagatingTracerProvider implements TracerProvider {
  private readonly tracer = new PropagatingTracer();

  getTracer(): Tracer {
    return this.tracer;
  }
}

class PropagatingTracer implements Tracer {
  private readonly ids = new RandomIdGenerator();

  startSpan(_name: string, options?: SpanOptions, parentContext: Context = context.active()): Span {
    if (isTracingSuppressed(parentContext)) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const parent = options?.root ? undefined : trace.getSpanContext(parentContext);
    if (parent && isSpanContextValid(parent)) {
      return trace.wrapSpanContext({
        traceId: parent.traceId,
        spanId: this.ids.generateSpanId(),
        traceFlags: parent.traceFlags,
        traceState: parent.traceState,
      });
    }
    return trace.wrapSpanContext({ traceId: this.ids.generateTraceId(), spanId: this.ids.generateSpanId(), traceFlags: TraceFlags.SAMPLED });
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, parentContext: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest.pop() as F;
    const [options, parentContext = context.active()] = rest as [SpanOptions | undefined, Context | undefined];
    const span = this.startSpan(name, options, parentContext);
    return context.with(trace.setSpan(parentContext, span), () => fn(span)) as ReturnType<F>;
  }
}
