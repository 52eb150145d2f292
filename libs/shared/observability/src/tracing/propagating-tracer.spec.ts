import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { PropagatingTracerProvider } from './propagating-tracer';

const tracer = new PropagatingTracerProvider().getTracer();
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const parentContext = (traceFlags: TraceFlags) => trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: PARENT, traceFlags, isRemote: true });

describe('PropagatingTracerProvider (no exporter)', () => {
  it("gives a span a fresh id in its parent's trace, with the parent's sampled flag as it came, and records nothing", () => {
    for (const flags of [TraceFlags.SAMPLED, TraceFlags.NONE]) {
      const span = tracer.startSpan('work', {}, parentContext(flags));

      expect(span.spanContext()).toMatchObject({ traceId: TRACE, traceFlags: flags });
      expect(span.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(span.spanContext().spanId).not.toBe(PARENT);
      expect(span.isRecording()).toBe(false);
    }
  });

  it('starts a new sampled trace without a parent, so a service further down that exports keeps it', () => {
    const first = tracer.startSpan('a', {}, ROOT_CONTEXT).spanContext();
    const second = tracer.startSpan('b', {}, ROOT_CONTEXT).spanContext();

    expect(first.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(first.traceId).not.toBe(second.traceId);
    expect(first.traceFlags).toBe(TraceFlags.SAMPLED);
  });

  it('makes no valid span where tracing is suppressed', () => {
    expect(trace.isSpanContextValid(tracer.startSpan('x', {}, suppressTracing(parentContext(TraceFlags.SAMPLED))).spanContext())).toBe(false);
  });

  it('runs startActiveSpan with the new span as the active one', () => {
    const seen = tracer.startActiveSpan('active', {}, parentContext(TraceFlags.SAMPLED), (span) => span.spanContext().traceId);
    expect(seen).toBe(TRACE);
  });
});
