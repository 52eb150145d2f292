import { ENVELOPE_HEADERS, MessageEnvelope } from '@order-saga/contracts';
import type { IHeaders } from 'kafkajs';

/** Envelope fields copied into Kafka headers, for routing and tracing without parsing the value. */
export function headersOf(envelope: MessageEnvelope): Record<string, string> {
  const headers: Record<string, string> = {
    [ENVELOPE_HEADERS.messageId]: envelope.messageId,
    [ENVELOPE_HEADERS.type]: envelope.type,
    [ENVELOPE_HEADERS.correlationId]: envelope.correlationId,
  };
  if (envelope.causationId) headers[ENVELOPE_HEADERS.causationId] = envelope.causationId;
  if (envelope.requestId) headers[ENVELOPE_HEADERS.requestId] = envelope.requestId;
  if (envelope.traceparent) headers[ENVELOPE_HEADERS.traceparent] = envelope.traceparent;
  return headers;
}

/**
 * The `traceparent` of a received message's headers. It starts as the envelope's (headersOf), and when spans
 * are exported the producer's instrumentation replaces it with its send span's, a child of the envelope's.
 */
export function traceparentHeaderOf(headers: IHeaders | undefined): string | undefined {
  const value = headers?.[ENVELOPE_HEADERS.traceparent];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
