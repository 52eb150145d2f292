import { appendFileSync } from 'node:fs';
import { ExportResult, ExportResultCode, hrTimeToMicroseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** What one line of the file holds: enough to rebuild the trace tree across processes. */
export interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  service: string;
  startUs: number;
  durationUs: number;
  status: number;
  attributes: Record<string, unknown>;
  /** The spans this one is linked to (a consumer batch of several traces links each message's sender). */
  links?: { traceId: string; spanId: string }[];
}

/**
 * Appends finished spans as JSON lines to a file (OTEL_TRACES_EXPORTER=file). For tests and local
 * debugging: several processes may append to one file, and each line is one write under O_APPEND,
 * so lines from different processes do not interleave.
 */
export class JsonLinesSpanExporter implements SpanExporter {
  constructor(private readonly path: string) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      const lines = spans.map((span) => JSON.stringify(toExported(span))).join('\n');
      if (lines) appendFileSync(this.path, `${lines}\n`);
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async shutdown(): Promise<void> {
    // appendFileSync leaves nothing buffered
  }
}

function toExported(span: ReadableSpan): ExportedSpan {
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: span.kind,
    service: String(span.resource.attributes['service.name'] ?? ''),
    startUs: hrTimeToMicroseconds(span.startTime),
    durationUs: hrTimeToMicroseconds(span.duration),
    status: span.status.code,
    attributes: { ...span.attributes },
    ...(span.links.length > 0 ? { links: span.links.map(({ context: linked }) => ({ traceId: linked.traceId, spanId: linked.spanId })) } : {}),
  };
}
