import { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, Span, trace } from '@opentelemetry/api';
import { Instrumentation, InstrumentationNodeModuleDefinition, isWrapped, registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { KafkaJsInstrumentation, KafkaJsInstrumentationConfig } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation, PgRequestHookInformation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation, UndiciRequest } from '@opentelemetry/instrumentation-undici';
import { routeOf, UNTRACED_PATHS } from '../http/route-of';
import type { TracesExporter } from './tracing';

let registered = false;

/**
 * Patches pg, ioredis, http, undici and kafkajs so that their calls become spans, when spans are exported
 * (`exporter` is not `none`). Must run before those modules are first required: the first import of each
 * service's main.ts (`@order-saga/shared/observability/instrument`). The spans reach the tracer provider
 * startTracing registers later in the boot; before that they are no-ops.
 *
 * Nothing is patched without an exporter: a non-recording span still costs each query and each message
 * its wrapping, its attributes and a context switch, and the ids the logs and messages carry do not need
 * them (the HTTP middleware and MessageProcessor make their own spans then).
 */
export function registerAutoInstrumentations(exporter: TracesExporter): boolean {
  if (exporter === 'none' || registered) return registered;
  registered = true;
  registerInstrumentations({ instrumentations: autoInstrumentations() });
  return true;
}

/** The instrumentations and their settings; see docs/observability.md for what each one adds to a trace. */
export function autoInstrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      // Probes and scrapes are not traced (their queries neither: the context is marked suppressed).
      ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
      // An outgoing call is a span only inside a request or message; the OTLP exporter's own calls never are.
      requireParentforOutgoingSpans: true,
      applyCustomAttributesOnSpan: nameServerSpan,
    }),
    new UndiciInstrumentation({ requireParentforSpans: true, requestHook: dropForwardedTraceContext }),
    // Statements outside a request or a message (the relay's drain, sweeps, probes, scrapes) make no trace of their own.
    new PgInstrumentation({ requireParentSpan: true, requestHook: nameStatementSpan }),
    new IORedisInstrumentation({ requireParentSpan: true }),
    new OutboxAwareKafkaJsInstrumentation(),
  ];
}

/**
 * A statement's span is named after what it does (`pg INSERT customer_order, order_line, outbox`) rather
 * than the instrumentation's `pg.query:<prepared statement name> <database>`: the services name their
 * prepared statements `os_<n>`, which says nothing in a trace. The text stays in `db.query.text`.
 */
function nameStatementSpan(span: Span, { query }: PgRequestHookInformation): void {
  if (span.isRecording()) span.updateName(`pg ${statementSummary(query.text)}`);
}

const summaries = new Map<string, string>();
const WRITE = /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?!SET\b)"?([A-Za-z_][\w.]*)/gi;
const READ = /\bFROM\s+"?([A-Za-z_][\w.]*)/i;

/**
 * What a statement does, in a few words: the tables it writes, by verb (`INSERT customer_order, outbox;
 * UPDATE stock`), else the first table it reads (`SELECT inbox`), else its first word (`BEGIN`, `COMMIT`).
 * Statements are a fixed set of texts, so summaries are kept (a bounded number).
 */
export function statementSummary(text: string): string {
  const known = summaries.get(text);
  if (known !== undefined) return known;
  const written = new Map<string, string[]>();
  for (const [, verb, table] of text.matchAll(WRITE)) {
    const key = verb.split(/\s+/)[0].toUpperCase();
    const tables = written.get(key) ?? [];
    if (!tables.includes(table)) tables.push(table);
    written.set(key, tables);
  }
  const first = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
  const read = READ.exec(text)?.[1];
  const summary =
    written.size > 0
      ? [...written].map(([verb, tables]) => `${verb} ${tables.join(', ')}`).join('; ')
      : first === 'SELECT' || first === 'WITH'
        ? `SELECT${read ? ` ${read}` : ''}`
        : first === 'START'
          ? 'BEGIN'
          : first;
  if (summaries.size < 1000) summaries.set(text, summary);
  return summary;
}

/** A server span's name is its route template (`POST /api/v1/orders`), as the HTTP middleware names its own. */
function nameServerSpan(span: Span, request: unknown, response: unknown): void {
  if (!(response instanceof ServerResponse) || !(request instanceof IncomingMessage)) return;
  const route = routeOf(request);
  span.updateName(`${request.method} ${route}`);
  span.setAttribute('http.route', route);
}

/**
 * A caller that forwards a `traceparent` by hand (the gateway does, so that ids propagate with no exporter)
 * would send it twice once the CLIENT span's is added, and a server reads two joined values as none. The
 * hand-made one goes when the instrumentation is about to add its own, the CLIENT span's, which is its child.
 */
export function dropForwardedTraceContext(span: Span, request: Pick<UndiciRequest, 'headers'>): void {
  if (!trace.isSpanContextValid(span.spanContext()) || !Array.isArray(request.headers)) return;
  const headers = request.headers;
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    const name = String(headers[i]).toLowerCase();
    if (name === 'traceparent' || name === 'tracestate') headers.splice(i, 2);
  }
}

type KafkaMessageHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;
interface ProducerSpanStart {
  _startProducerSpan(topic: string, message: { headers?: KafkaMessageHeaders }, client: unknown): Span;
}

/**
 * kafkajs's instrumentation, producer side: a PRODUCER span per message, a child of the active context, and
 * writes the span's traceparent into the message's headers. The outbox relay sends the rows of many
 * orders in one sendBatch, outside any of their traces, so each span would start a trace of its own.
 * Here a message that already carries a `traceparent` header (an outbox row's: the span that wrote
 * it, see headersOf) is sent in a span that is a child of that one: the relay's send is a step of the
 * order's trace, and the consumer, which continues from the header (MessageProcessor), becomes its child.
 */
export class OutboxAwareKafkaJsInstrumentation extends KafkaJsInstrumentation {
  /**
   * Producers only. Its consumer side does not fit BatchingKafkaServer: it makes a trace per partition batch
   * and a span per message in it, while one transaction takes the messages of several partitions, and
   * MessageProcessor's span per message (continuing the order's trace) and MessageBatch's span for the
   * transaction (inBatchSpan) are the consumer's spans.
   */
  protected override init(): InstrumentationNodeModuleDefinition {
    const definition = super.init();
    const patch = definition.patch;
    definition.patch = (exports: { Kafka?: { prototype: object } }, version?: string) => {
      const patched = patch ? patch(exports, version) : exports;
      const prototype = (patched as typeof exports).Kafka?.prototype as { consumer?: unknown } | undefined;
      if (prototype && isWrapped(prototype.consumer)) this._unwrap(prototype, 'consumer');
      return patched;
    };
    return definition;
  }

  constructor(config: KafkaJsInstrumentationConfig = {}) {
    super(config);
    // The per-message span start is internal to the (pinned) instrumentation; the unit test proves the hook holds.
    const internals = this as unknown as ProducerSpanStart;
    const start = internals._startProducerSpan;
    if (typeof start !== 'function')
      throw new Error('@opentelemetry/instrumentation-kafkajs no longer has _startProducerSpan: see OutboxAwareKafkaJsInstrumentation');
    internals._startProducerSpan = function (this: unknown, topic, message, client) {
      const carried = message.headers?.traceparent;
      if (carried === undefined) return start.call(this, topic, message, client);
      const parent = propagation.extract(context.active(), { traceparent: String(Array.isArray(carried) ? carried[0] : carried) });
      return context.with(parent, () => start.call(this, topic, message, client));
    };
  }
}
