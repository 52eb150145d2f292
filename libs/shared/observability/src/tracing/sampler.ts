import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, Sampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-node';

/** The OTEL_TRACES_SAMPLER values of the OpenTelemetry specification that need no remote sampling service. */
export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TracesSampler = (typeof TRACES_SAMPLERS)[number];

/** The specification's default: follow the caller's decision, record every trace that starts here. */
export const DEFAULT_TRACES_SAMPLER: TracesSampler = 'parentbased_always_on';

/** Whether `sampler` reads OTEL_TRACES_SAMPLER_ARG (a ratio in [0, 1], 1 when unset). */
export function takesRatio(sampler: string | undefined): boolean {
  return sampler === 'traceidratio' || sampler === 'parentbased_traceidratio';
}

/**
 * The sampler OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG name (validated by BaseServiceConfig). A
 * trace id ratio decides on the trace id alone, so every process of the system keeps the same traces.
 */
export function samplerOf(name: TracesSampler = DEFAULT_TRACES_SAMPLER, ratio = 1): Sampler {
  const root = name.endsWith('always_on') ? new AlwaysOnSampler() : name.endsWith('always_off') ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(ratio);
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}
