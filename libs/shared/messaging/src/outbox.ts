import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MessageDefinition, MessageEnvelope, MessageOrigin } from '@order-saga/contracts';
import type { EntityManager } from 'typeorm';

export const OUTBOX_CHANNEL = 'outbox';

/**
 * Appends outgoing messages to the outbox inside the caller's transaction, so a state change and the
 * messages it causes commit (or roll back) together. The relay publishes them after commit.
 */
@Injectable()
export class Outbox {
  async append<T extends object>(
    manager: EntityManager,
    definition: MessageDefinition<T>,
    payload: T,
    origin: MessageOrigin,
    now: Date = new Date(),
  ): Promise<MessageEnvelope<T>> {
    const envelope: MessageEnvelope<T> = {
      messageId: randomUUID(),
      type: definition.type,
      correlationId: origin.correlationId,
      causationId: origin.causationId,
      occurredAt: now.toISOString(),
      requestId: origin.requestId,
      traceparent: origin.traceparent,
      payload,
    };
    // One round trip for the row and the relay's wake-up. The NOTIFY is delivered to listeners only when
    // this transaction commits, which is exactly when the row becomes visible (and PostgreSQL folds the
    // identical notifications of one transaction into one).
    await manager.query(
      `WITH appended AS (
         INSERT INTO outbox (message_id, topic, message_key, message_type, envelope) VALUES ($1, $2, $3, $4, $5) RETURNING id
       )
       SELECT pg_notify($6, '') FROM appended`,
      [envelope.messageId, definition.topic, origin.correlationId, definition.type, JSON.stringify(envelope), OUTBOX_CHANNEL],
    );
    return envelope;
  }
}

/** The origin for messages caused by `envelope`: same saga, same request and trace, caused by it. */
export function originOf(envelope: MessageEnvelope): MessageOrigin {
  return {
    correlationId: envelope.correlationId,
    causationId: envelope.messageId,
    requestId: envelope.requestId,
    traceparent: envelope.traceparent,
  };
}
