import { context, propagation, ROOT_CONTEXT, Span, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { isWrapped } from '@opentelemetry/instrumentation';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import * as kafkajs from 'kafkajs';
import { dropForwardedTraceContext, OutboxAwareKafkaJsInstrumentation, statementSummary } from './instrumentations';

describe('statementSummary (pg span names)', () => {
  it('names the tables a statement writes, by verb, and leaves out an upsert clause', () => {
    const placeOrder = `WITH customer AS (SELECT customer_id FROM customer WHERE client_id = $2), placed AS (
         INSERT INTO customer_order (order_id) SELECT $1 FROM customer ON CONFLICT (client_id) DO UPDATE SET updated_at = now() RETURNING order_id
       ), outbox AS (INSERT INTO outbox (message_id) SELECT $3 FROM placed)
       SELECT count(*) FROM placed`;
    expect(statementSummary(placeOrder)).toBe('INSERT customer_order, outbox');
    expect(statementSummary('UPDATE product SET available = available - $1; INSERT INTO reservation VALUES ($2)')).toBe('UPDATE product; INSERT reservation');
    expect(statementSummary('DELETE FROM inbox WHERE processed_at < $1')).toBe('DELETE inbox');
  });

  it('names a read by its first table, and a transaction statement by its word', () => {
    expect(statementSummary('SELECT id FROM oauth_client WHERE client_id = $1')).toBe('SELECT oauth_client');
    expect(statementSummary('START TRANSACTION')).toBe('BEGIN');
    expect(statementSummary('COMMIT')).toBe('COMMIT');
  });
});

describe('with a recording tracer', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
  const OUTBOX_WRITER = '00f067aa0ba902b7';

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });

  beforeEach(() => exporter.reset());

  describe('OutboxAwareKafkaJsInstrumentation', () => {
    const instrumentation = new OutboxAwareKafkaJsInstrumentation({ enabled: false });
    instrumentation.setTracerProvider(provider);
    const startProducerSpan = (message: { headers?: Record<string, string> }) =>
      (instrumentation as unknown as { _startProducerSpan(topic: string, message: object, client: unknown): Span })._startProducerSpan(
        'orders.v1',
        message,
        undefined,
      );

    it("sends a message that carries a traceparent (an outbox row's) in a span that is that traceparent's child, and hands the consumer the send span's", () => {
      const message = { value: '{}', headers: { traceparent: `00-${TRACE}-${OUTBOX_WRITER}-01` } };

      const sending = startProducerSpan(message);
      sending.end();
      const span = sending as unknown as ReadableSpan;

      expect(span.spanContext().traceId).toBe(TRACE);
      expect(span.parentSpanContext?.spanId).toBe(OUTBOX_WRITER);
      expect(message.headers.traceparent).toBe(`00-${TRACE}-${span.spanContext().spanId}-01`);
    });

    it('sends a message without one in the active context, as kafkajs instrumentation does', () => {
      const active = provider.getTracer('spec').startSpan('handler');
      const message: { value: string; headers?: Record<string, string> } = { value: '{}' };

      const span = context.with(trace.setSpan(ROOT_CONTEXT, active), () => startProducerSpan(message)) as unknown as ReadableSpan;

      expect(span.parentSpanContext?.spanId).toBe(active.spanContext().spanId);
      expect(message.headers?.traceparent).toContain(span.spanContext().spanId);
    });

    it('patches producers only: consumers are traced by MessageProcessor and MessageBatch', () => {
      const [definition] = instrumentation.getModuleDefinitions();
      const exports = { ...kafkajs, Kafka: class extends kafkajs.Kafka {} };

      definition.patch?.(exports);
      try {
        expect(isWrapped(exports.Kafka.prototype.producer)).toBe(true);
        expect(isWrapped(exports.Kafka.prototype.consumer)).toBe(false);
      } finally {
        definition.unpatch?.(exports);
      }
    });
  });

  describe('dropForwardedTraceContext (undici requests)', () => {
    const recording = () => provider.getTracer('spec').startSpan('POST');

    it("removes a traceparent the caller set by hand when the CLIENT span's is about to be added", () => {
      const headers = ['accept', 'application/json', 'traceparent', `00-${TRACE}-${OUTBOX_WRITER}-01`, 'Tracestate', 'a=b', 'x-request-id', 'r1'];

      dropForwardedTraceContext(recording(), { headers });

      expect(headers).toEqual(['accept', 'application/json', 'x-request-id', 'r1']);
    });

    it('keeps it when no span is made (no parent), so the hand-made one is the only one sent', () => {
      const headers = ['traceparent', `00-${TRACE}-${OUTBOX_WRITER}-01`];

      dropForwardedTraceContext(trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: TraceFlags.NONE }), { headers });

      expect(headers).toHaveLength(2);
    });
  });
});
