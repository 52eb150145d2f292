import { randomBytes } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** The trace id of a W3C `traceparent` header, or undefined when absent or malformed. */
export function traceIdOf(traceparent: string | null | undefined): string | undefined {
  return traceparent ? TRACEPARENT.exec(traceparent)?.[1] : undefined;
}

/** The span id a W3C `traceparent` names (the span it makes the parent), or undefined when absent or malformed. */
export function spanIdOf(traceparent: string | null | undefined): string | undefined {
  return traceparent ? TRACEPARENT.exec(traceparent)?.[2] : undefined;
}

/** Keeps a valid incoming `traceparent`, or starts a new sampled trace. */
export function ensureTraceparent(incoming: string | null | undefined): string {
  if (incoming && TRACEPARENT.test(incoming)) return incoming;
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}
