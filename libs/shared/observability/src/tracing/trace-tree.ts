import { SpanKind } from '@opentelemetry/api';
import type { ExportedSpan } from './json-lines-span.exporter';

/** A span with its children, in start order. */
export interface SpanNode {
  span: ExportedSpan;
  children: SpanNode[];
}

/**
 * The spans of one trace as trees: each span under its parent, siblings in start order. A span whose
 * parent is not among them (the caller's span, or one not exported) is a root; a whole trace has one.
 */
export function traceTrees(spans: readonly ExportedSpan[]): SpanNode[] {
  const nodes = new Map(spans.map((span) => [span.spanId, { span, children: [] as SpanNode[] }]));
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId === undefined ? undefined : nodes.get(node.span.parentSpanId);
    (parent ? parent.children : roots).push(node);
  }
  const byStart = (a: SpanNode, b: SpanNode) => a.span.startUs - b.span.startUs;
  for (const node of nodes.values()) node.children.sort(byStart);
  return roots.sort(byStart);
}

/**
 * One line per span, indented by depth: name, service, kind, duration and start (ms after the first
 * span's start), e.g. `  POST /orders  order-service SERVER 41.2 ms @+1.8`.
 */
export function formatTraceTree(spans: readonly ExportedSpan[]): string {
  const roots = traceTrees(spans);
  const origin = Math.min(...spans.map((span) => span.startUs));
  const lines: string[] = [];
  const walk = (node: SpanNode, depth: number) => {
    const { span } = node;
    const ms = (us: number) => (us / 1000).toFixed(1);
    lines.push(
      `${'  '.repeat(depth)}${span.name}  ${span.service} ${SpanKind[span.kind] ?? span.kind} ${ms(span.durationUs)} ms @+${ms(span.startUs - origin)}`,
    );
    for (const child of node.children) walk(child, depth + 1);
  };
  for (const root of roots) walk(root, 0);
  return lines.join('\n');
}

/** Every span above `span`, its parent first. */
export function ancestorsOf(span: ExportedSpan, spans: readonly ExportedSpan[]): ExportedSpan[] {
  const byId = new Map(spans.map((candidate) => [candidate.spanId, candidate]));
  const chain: ExportedSpan[] = [];
  for (let parent = byId.get(span.parentSpanId ?? ''); parent && !chain.includes(parent); parent = byId.get(parent.parentSpanId ?? '')) chain.push(parent);
  return chain;
}
