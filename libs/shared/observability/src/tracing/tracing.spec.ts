import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { pollUntil } from '@order-saga/shared/testing';
import type { ExportedSpan } from './json-lines-span.exporter';
import { inBatchSpan, inConsumerSpan, startTracing, traceparentOf } from './tracing';
import { readFileSync } from 'node:fs';

const spansFile = join(mkdtempSync(join(tmpdir(), 'tracing-spec-')), 'spans.jsonl');
const exported = () =>
  readFileSync(spansFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ExportedSpan);
const exportedSpan = (spanId: string) => pollUntil(async () => exported().find((span) => span.spanId === spanId), { description: `span ${spanId} exported` });

const sent = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`;
const ORDER_A = '4bf92f3577b34da6a3ce929d0e0e4736';
const ORDER_B = '0af7651916cd43dd8448eb211c80319c';

describe('tracing with an exporter', () => {
  beforeAll(() => startTracing({ service: 'tracing-spec', exporter: 'file', file: spansFile }));

  it("runs a batch of one trace's messages in a span of that trace, under the first message's sender", async () => {
    const batchSpanId = await inBatchSpan(
      'message batch',
      [sent(ORDER_A, '00f067aa0ba902b7'), sent(ORDER_A, '00f067aa0ba902b8')],
      { count: 2 },
      async () => trace.getActiveSpan()!.spanContext().spanId,
    );

    expect(await exportedSpan(batchSpanId)).toMatchObject({ traceId: ORDER_A, parentSpanId: '00f067aa0ba902b7', name: 'message batch' });
  });

  it("runs a batch of several traces' messages in a trace of its own, linked to each sender", async () => {
    const batchSpanId = await inBatchSpan(
      'message batch',
      [sent(ORDER_A, '00f067aa0ba902b7'), sent(ORDER_B, 'b7ad6b7169203331')],
      {},
      async () => trace.getActiveSpan()!.spanContext().spanId,
    );

    const span = await exportedSpan(batchSpanId);
    expect(span.parentSpanId).toBeUndefined();
    expect([ORDER_A, ORDER_B]).not.toContain(span.traceId);
    expect(span.links).toEqual([
      { traceId: ORDER_A, spanId: '00f067aa0ba902b7' },
      { traceId: ORDER_B, spanId: 'b7ad6b7169203331' },
    ]);
  });

  it("continues a message's trace in a CONSUMER span and hands the work that span's traceparent", async () => {
    const handed = await inConsumerSpan('ReserveStock process', sent(ORDER_A, '00f067aa0ba902b7'), { order_id: 'ORD-1' }, async (traceparent) => traceparent);

    const [, traceId, spanId] = handed!.split('-');
    expect(await exportedSpan(spanId)).toMatchObject({ traceId: ORDER_A, parentSpanId: '00f067aa0ba902b7', kind: 4, attributes: { order_id: 'ORD-1' } });
    expect(traceId).toBe(ORDER_A);
  });

  it('gives no traceparent for no span', () => {
    expect(traceparentOf(undefined)).toBeUndefined();
  });
});
