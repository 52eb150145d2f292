import { ENVELOPE_HEADERS, MessageEnvelope } from '@order-saga/contracts';

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
