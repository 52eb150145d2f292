import { traceparentHeaderOf } from './kafka-headers';

describe('traceparentHeaderOf', () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('reads the traceparent header as kafkajs hands it over (a Buffer) or as Nest decoded it (a string)', () => {
    expect(traceparentHeaderOf({ traceparent: Buffer.from(traceparent) })).toBe(traceparent);
    expect(traceparentHeaderOf({ traceparent })).toBe(traceparent);
    expect(traceparentHeaderOf({ traceparent: [traceparent, 'ignored'] })).toBe(traceparent);
  });

  it('is undefined without one, so the envelope says', () => {
    expect(traceparentHeaderOf({ 'message-id': 'm1' })).toBeUndefined();
    expect(traceparentHeaderOf(undefined)).toBeUndefined();
  });
});
