import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MessageDefinition, MessageEnvelope, MessageOrigin } from '@order-saga/contracts';
import type { EntityManager } from 'typeorm';
import { noteOutboxAppended } from './outbox-commits';

/** One message for `Outbox.appendAll`. */
export interface OutgoingMessage<T extends object = object> {
  definition: MessageDefinition<T>;
  payload: T;
  origin: MessageOrigin;
}

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
    const [envelope] = await this.appendAll(manager, [{ definition, payload, origin }], now);
    return envelope as MessageEnvelope<T>;
  }

  /**
   * Appends several messages in one statement. They get outbox ids, and so go out, in the order given
   * (the relay publishes in id order): callers list a key's messages in the order they must arrive.
   */
  async appendAll(manager: EntityManager, messages: readonly OutgoingMessage[], now: Date = new Date()): Promise<MessageEnvelope[]> {
    if (messages.length === 0) return [];
    const envelopes = messages.map(({ definition, payload, origin }): MessageEnvelope => ({
      messageId: randomUUID(),
      type: definition.type,
      correlationId: origin.correlationId,
      causationId: origin.causationId,
      occurredAt: now.toISOString(),
      requestId: origin.requestId,
      traceparent: origin.traceparent,
      payload,
    }));
    // ORDER BY ordinality: the ids (serial defaults) are drawn after the sort, so they follow the list.
    // No NOTIFY here: the relay is woken in-process after the commit (see outbox-commits.ts).
    await manager.query(
      `INSERT INTO outbox (message_id, topic, message_key, message_type, envelope)
       SELECT message_id, topic, message_key, message_type, envelope
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) WITH ORDINALITY
              AS m(message_id, topic, message_key, message_type, envelope, position)
        ORDER BY position`,
      [
        envelopes.map((envelope) => envelope.messageId),
        messages.map((message) => message.definition.topic),
        envelopes.map((envelope) => envelope.correlationId),
        envelopes.map((envelope) => envelope.type),
        envelopes.map((envelope) => JSON.stringify(envelope)),
      ],
    );
    noteOutboxAppended(manager);
    return envelopes;
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
