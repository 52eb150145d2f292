import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-node';
import { samplerOf, takesRatio } from './sampler';

const decide = (name: Parameters<typeof samplerOf>[0], traceId: string, ratio?: number, parentFlags?: TraceFlags) => {
  const context =
    parentFlags === undefined
      ? ROOT_CONTEXT
      : trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: '00f067aa0ba902b7', traceFlags: parentFlags, isRemote: true });
  return samplerOf(name, ratio).shouldSample(context, traceId, 'span', SpanKind.SERVER, {}, []).decision;
};

// The ratio sampler folds the trace id into 32 bits (XOR of its four 8-digit parts) and keeps it below ratio * 2^32.
const LOW_ID = '00000000000000000000000000000001';
const HIGH_ID = 'ffffffff000000000000000000000000';

describe('samplerOf', () => {
  it('parentbased_always_on (the default) records a new trace and follows a caller that did not sample', () => {
    expect(decide(undefined, HIGH_ID)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(undefined, HIGH_ID, undefined, TraceFlags.NONE)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(undefined, HIGH_ID, undefined, TraceFlags.SAMPLED)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('traceidratio decides on the trace id alone, so every service keeps the same traces', () => {
    expect(decide('traceidratio', LOW_ID, 0.5)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide('traceidratio', HIGH_ID, 0.5)).toBe(SamplingDecision.NOT_RECORD);
    // Not parent-based: a sampled caller does not change it.
    expect(decide('traceidratio', HIGH_ID, 0.5, TraceFlags.SAMPLED)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('parentbased_traceidratio applies the ratio to new traces only', () => {
    expect(decide('parentbased_traceidratio', HIGH_ID, 0.1)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide('parentbased_traceidratio', HIGH_ID, 0.1, TraceFlags.SAMPLED)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('always_off records nothing, always_on everything', () => {
    expect(decide('always_off', LOW_ID, undefined, TraceFlags.SAMPLED)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide('always_on', HIGH_ID, undefined, TraceFlags.NONE)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('only the traceidratio samplers take OTEL_TRACES_SAMPLER_ARG', () => {
    expect(['traceidratio', 'parentbased_traceidratio', 'always_on', 'parentbased_always_on', undefined].map(takesRatio)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
