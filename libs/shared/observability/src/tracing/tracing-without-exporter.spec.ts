import { trace } from '@opentelemetry/api';
import { inBatchSpan, inConsumerSpan, startTracing, tracer } from './tracing';

const ORDER = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('tracing without an exporter (OTEL_TRACES_EXPORTER=none, the default)', () => {
  beforeAll(() => startTracing({ service: 'spec', exporter: 'none', sampler: 'always_on' }));

  it("still hands a consumer's work a traceparent of its own in the message's trace, with the sampled flag as it came", async () => {
    for (const flags of ['01', '00']) {
      const handed = await inConsumerSpan('process', `00-${ORDER}-00f067aa0ba902b7-${flags}`, {}, async (traceparent) => traceparent);

      expect(handed).toMatch(new RegExp(`^00-${ORDER}-[0-9a-f]{16}-${flags}$`));
      expect(handed).not.toContain('00f067aa0ba902b7');
    }
  });

  it('records nothing, whatever the sampler says', () => {
    expect(tracer().startSpan('anything').isRecording()).toBe(false);
  });

  it('makes no span for a consumer batch: the work runs in the context it was given', async () => {
    const active = await trace
      .getTracer('spec')
      .startActiveSpan('outer', (span) =>
        inBatchSpan(
          'message batch',
          [`00-${ORDER}-00f067aa0ba902b7-01`],
          {},
          async () => trace.getActiveSpan()?.spanContext().spanId === span.spanContext().spanId,
        ),
      );

    expect(active).toBe(true);
  });
});
