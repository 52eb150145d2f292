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
    await manager.query(
      `INSERT INTO outbox (message_id, topic, message_key, message_type, envelope) VALUES ($1, $2, $3, $4, $5)`,
      [envelope.messageId, definition.topic, origin.correlationId, definition.type, JSON.stringify(envelope)],
    );
    // Delivered to listeners only when this transaction commits, which is exactly when the row is visible.
    await manager.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
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
