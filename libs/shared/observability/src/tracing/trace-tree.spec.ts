import type { ExportedSpan } from './json-lines-span.exporter';
import { ancestorsOf, formatTraceTree } from './trace-tree';

const span = (
  spanId: string,
  parentSpanId: string | undefined,
  name: string,
  service: string,
  kind: number,
  startUs: number,
  durationUs: number,
): ExportedSpan => ({
  traceId: 't',
  spanId,
  parentSpanId,
  name,
  kind,
  service,
  startUs,
  durationUs,
  status: 0,
  attributes: {},
});

describe('formatTraceTree', () => {
  const spans = [
    span('c', 'b', 'ReserveStock process', 'inventory-service', 4, 3_000, 1_500),
    span('a', 'client', 'POST /api/v1/orders', 'gateway', 1, 1_000, 9_000),
    span('d', 'a', 'evalsha', 'gateway', 2, 1_200, 300),
    span('b', 'a', 'send inventory.command.reserve-stock.v1', 'order-service', 3, 2_000, 800),
  ];

  it('prints each span under its parent, siblings in start order, with service, kind, duration and start', () => {
    expect(formatTraceTree(spans).split('\n')).toEqual([
      'POST /api/v1/orders  gateway SERVER 9.0 ms @+0.0',
      '  evalsha  gateway CLIENT 0.3 ms @+0.2',
      '  send inventory.command.reserve-stock.v1  order-service PRODUCER 0.8 ms @+1.0',
      '    ReserveStock process  inventory-service CONSUMER 1.5 ms @+2.0',
    ]);
  });

  it('prints a span whose parent is missing as a root of its own, so a broken trace shows', () => {
    const lines = formatTraceTree([...spans, span('e', 'missing', 'orphan', 'payment-service', 4, 500, 100)]).split('\n');
    expect(lines[0]).toBe('orphan  payment-service CONSUMER 0.1 ms @+0.0');
  });

  it('finds the spans above a span, its parent first', () => {
    expect(ancestorsOf(spans[0], spans).map((found) => found.spanId)).toEqual(['b', 'a']);
  });
});
