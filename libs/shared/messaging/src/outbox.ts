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
    const rows = outboxRowsOf(messages, now);
    const queue = deferredOf(manager);
    if (queue && !inSavepoint(manager)) queue.push(...rows);
    // In a savepoint the rows must roll back with it: what is queued goes first, to keep the order.
    else await insertRows(manager, queue ? queue.splice(0).concat(rows) : rows);
    return rows.map((row) => row.envelope);
  }
}

/** An outgoing message as the outbox stores it: its topic and its envelope (the message id drawn here). */
export interface OutboxRow {
  topic: string;
  envelope: MessageEnvelope;
}

/** The rows `messages` become, in the order given; what appendAll writes, for code that writes them in its own statement. */
export function outboxRowsOf(messages: readonly OutgoingMessage[], now: Date = new Date()): OutboxRow[] {
  const occurredAt = now.toISOString();
  return messages.map(({ definition, payload, origin }) => ({
    topic: definition.topic,
    envelope: {
      messageId: randomUUID(),
      type: definition.type,
      correlationId: origin.correlationId,
      causationId: origin.causationId,
      occurredAt,
      requestId: origin.requestId,
      traceparent: origin.traceparent,
      payload,
    },
  }));
}

/** The five array parameters of insertOutboxSql: message ids, topics, keys, types, envelopes. */
export function outboxColumns(rows: readonly OutboxRow[]): [string[], string[], string[], string[], string[]] {
  return [
    rows.map((row) => row.envelope.messageId),
    rows.map((row) => row.topic),
    rows.map((row) => row.envelope.correlationId),
    rows.map((row) => row.envelope.type),
    rows.map((row) => JSON.stringify(row.envelope)),
  ];
}

/**
 * The one outbox INSERT: the rows of outboxColumns as parameters `$first` … `$first+4`, in their order
 * (ORDER BY ordinality: the ids, serial defaults, are drawn after the sort, so they follow the list).
 * With `gate`, the name of a CTE of at most one row, they are inserted only if it has one: a statement
 * can make its outbox rows depend on its own compare-and-set.
 */
export function insertOutboxSql(first = 1, gate?: string): string {
  const [ids, topics, keys, types, envelopes] = [0, 1, 2, 3, 4].map((offset) => `$${first + offset}`);
  return `INSERT INTO outbox (message_id, topic, message_key, message_type, envelope)
         SELECT m.message_id, m.topic, m.message_key, m.message_type, m.envelope
           FROM ${gate ? `${gate}, ` : ''}unnest(${ids}::uuid[], ${topics}::text[], ${keys}::text[], ${types}::text[], ${envelopes}::jsonb[]) WITH ORDINALITY
                AS m(message_id, topic, message_key, message_type, envelope, position)
          ORDER BY m.position`;
}

const INSERT_OUTBOX = insertOutboxSql();

/** Set in a query runner's user data while its transaction queues its outbox rows (a batch's). */
const DEFERRED = 'outboxDeferred';

function deferredOf(manager: EntityManager): OutboxRow[] | undefined {
  const runner = manager.queryRunner;
  return runner?.isTransactionActive ? (runner.data?.[DEFERRED] as OutboxRow[] | undefined) : undefined;
}

function inSavepoint(manager: EntityManager): boolean {
  return ((manager.queryRunner as unknown as { transactionDepth?: number }).transactionDepth ?? 1) > 1;
}

/**
 * True while `manager`'s transaction is a consumer batch's (MessageBatch) and its handlers are still running:
 * a handler may then queue its write for one set-based statement before the commit (DeferredStatement)
 * instead of writing at once, knowing that a failure there rolls the batch back and re-runs its messages
 * one at a time, each in a transaction of its own where this is false.
 */
export function inMessageBatch(manager: EntityManager): boolean {
  return deferredOf(manager) !== undefined;
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
  // No NOTIFY here: the relay is woken in-process after the commit (see outbox-commits.ts).
  await manager.query(INSERT_OUTBOX, outboxColumns(rows));
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
