import { ensureTraceparent, traceIdOf } from './trace-context';

describe('trace context', () => {
  const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('reads the trace id of a valid traceparent', () => {
    expect(traceIdOf(incoming)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('ignores a malformed traceparent', () => {
    expect(traceIdOf('not-a-trace')).toBeUndefined();
  });

  it('keeps a valid incoming traceparent and replaces a malformed one', () => {
    expect(ensureTraceparent(incoming)).toBe(incoming);
    const started = ensureTraceparent('garbage');
    expect(traceIdOf(started)).toMatch(/^[0-9a-f]{32}$/);
  });
});
