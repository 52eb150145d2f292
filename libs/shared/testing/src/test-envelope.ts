import { randomUUID } from 'node:crypto';
import { MessageDefinition, MessageEnvelope } from '@order-saga/contracts';

export interface TestEnvelopeOptions {
  /** The message this one answers; null (a message caused by an HTTP request) unless given. */
  causationId?: string | null;
  occurredAt?: Date;
}

/**
 * A message of `definition` about order `orderId` (its correlation id), as a spec publishes it or hands it
 * to a handler: a fresh message id, no request id, no trace context.
 */
export function testEnvelope<T extends object>(
  definition: MessageDefinition<T>,
  orderId: string,
  payload: T,
  { causationId = null, occurredAt = new Date() }: TestEnvelopeOptions = {},
): MessageEnvelope<T> {
  return {
    messageId: randomUUID(),
    type: definition.type,
    correlationId: orderId,
    causationId,
    occurredAt: occurredAt.toISOString(),
    requestId: null,
    traceparent: null,
    payload,
  };
}
