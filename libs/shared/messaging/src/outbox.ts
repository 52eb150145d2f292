import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MessageDefinition, MessageEnvelope, MessageOrigin } from '@order-saga/contracts';
import type { EntityManager, QueryRunner } from 'typeorm';
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
   * Inside a batch's transaction (MessageBatch) the rows are queued instead, and one statement writes
   * every message the batch appended, in append order, just before its COMMIT; the envelopes (and
   * their message ids) are returned at once either way.
   */
  async appendAll(manager: EntityManager, messages: readonly OutgoingMessage[], now: Date = new Date()): Promise<MessageEnvelope[]> {
    if (messages.length === 0) return [];
    const rows = messages.map(({ definition, payload, origin }): OutboxRow => ({
      topic: definition.topic,
      envelope: {
        messageId: randomUUID(),
        type: definition.type,
        correlationId: origin.correlationId,
        causationId: origin.causationId,
        occurredAt: now.toISOString(),
        requestId: origin.requestId,
        traceparent: origin.traceparent,
        payload,
      },
    }));
    const queue = deferredOf(manager);
    if (queue && !inSavepoint(manager)) queue.push(...rows);
    // In a savepoint the rows must roll back with it: what is queued goes first, to keep the order.
    else await insertRows(manager, queue ? queue.splice(0).concat(rows) : rows);
    return rows.map((row) => row.envelope);
  }
}

interface OutboxRow {
  topic: string;
  envelope: MessageEnvelope;
}

/** Set in a query runner's user data while its transaction queues its outbox rows (a batch's). */
const DEFERRED = 'outboxDeferred';

function deferredOf(manager: EntityManager): OutboxRow[] | undefined {
  const runner = manager.queryRunner;
  return runner?.isTransactionActive ? (runner.data?.[DEFERRED] as OutboxRow[] | undefined) : undefined;
}

function inSavepoint(manager: EntityManager): boolean {
  return ((manager.queryRunner as unknown as { transactionDepth?: number }).transactionDepth ?? 1) > 1;
}

/** Makes Outbox.appendAll queue its rows in `runner`'s open transaction, for writeDeferredOutbox. */
export function deferOutboxAppends(runner: QueryRunner): void {
  runner.data[DEFERRED] = [];
}

/**
 * Writes the rows queued in `manager`'s transaction in one statement (none if none); call it right
 * before COMMIT. Queueing stops here: a message appended after it (a before-commit hook) is inserted
 * at once, after these rows. Code that writes outbox rows itself in a queueing transaction would get
 * ids before the queued rows: a key's messages must all go one way (order-service's saga steps insert
 * theirs in their own statement, and never call appendAll in a consumer batch).
 */
export async function writeDeferredOutbox(manager: EntityManager): Promise<void> {
  const queue = deferredOf(manager);
  if (!queue) return;
  delete (manager.queryRunner as QueryRunner).data[DEFERRED];
  if (queue.length > 0) await insertRows(manager, queue);
}

async function insertRows(manager: EntityManager, rows: readonly OutboxRow[]): Promise<void> {
  // ORDER BY ordinality: the ids (serial defaults) are drawn after the sort, so they follow the list.
  // No NOTIFY here: the relay is woken in-process after the commit (see outbox-commits.ts).
  await manager.query(
    `INSERT INTO outbox (message_id, topic, message_key, message_type, envelope)
     SELECT message_id, topic, message_key, message_type, envelope
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) WITH ORDINALITY
            AS m(message_id, topic, message_key, message_type, envelope, position)
      ORDER BY position`,
    [
      rows.map((row) => row.envelope.messageId),
      rows.map((row) => row.topic),
      rows.map((row) => row.envelope.correlationId),
      rows.map((row) => row.envelope.type),
      rows.map((row) => JSON.stringify(row.envelope)),
    ],
  );
  noteOutboxAppended(manager);
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
