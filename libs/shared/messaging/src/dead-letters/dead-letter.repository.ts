import { Injectable } from '@nestjs/common';
import type { DeadLetterStatus } from '@order-saga/contracts/http/operator';
import { decodeCursor, DomainError, PagePosition, positionSql } from '@order-saga/shared/http';
import { DataSource, EntityManager } from 'typeorm';
import { noteOutboxAppended } from '../outbox-commits';
import { RedriveMessage } from './dead-letter-message';

/** A dead_letter row as the operators' reads and actions take it. */
export interface DeadLetterRow {
  id: string;
  consumer: string;
  topic: string;
  partition: number;
  offset: string;
  message_key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  error: string;
  status: DeadLetterStatus;
  created_at: Date;
  settled_at: Date | null;
  settled_by: string | null;
  settled_reason: string | null;
  settled_action_id: string | null;
  position: string;
}

export interface DeadLetterFilters {
  consumer?: string;
  topic?: string;
  status?: DeadLetterStatus;
}

/** Who redrove or discarded dead letters, when, why, and by which action. */
export interface Settlement {
  actionId: string;
  operatorId: string;
  reason: string;
  at: Date;
}

const COLUMNS = `id::text AS id, consumer, topic, partition, "offset", message_key, value, headers, error, status, created_at,
       settled_at, settled_by, settled_reason, settled_action_id::text AS settled_action_id, ${positionSql('created_at')} AS position`;

/** A bigserial id as the path names it; anything else names no dead letter. */
const ID_PATTERN = /^[1-9][0-9]{0,17}$/;

/**
 * Reads of the service's dead_letter table and the two ways a parked row leaves that state, each a
 * compare-and-set on `status = 'parked'`: discarded, or redriven, which appends the message to the outbox in
 * the same statement, so the message goes back on its topic exactly when (and as often as) the row changes.
 */
@Injectable()
export class DeadLetterRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first, keyset-paginated on (created_at, id); `limit + 1` rows, for pageOf. */
  async findPage(filters: DeadLetterFilters, limit: number, cursor?: string): Promise<DeadLetterRow[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = filterSql(filters, param);
    if (cursor) {
      const position = positionOf(cursor);
      where.push(`(created_at, id) < (${param(position.createdAt)}::timestamptz, ${param(position.id)}::bigint)`);
    }
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM dead_letter ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ${param(limit + 1)}`,
      params,
    );
  }

  /** One dead letter, locked for the rest of `manager`'s transaction when asked; undefined for an id that names none. */
  async findOne(id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<DeadLetterRow | undefined> {
    if (!ID_PATTERN.test(id)) return undefined;
    const [row]: DeadLetterRow[] = await manager.query(`SELECT ${COLUMNS} FROM dead_letter WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    return row;
  }

  /**
   * Up to `limit` parked rows matching the filters, oldest first, locked for `manager`'s transaction. Rows
   * another action holds are skipped, not waited for: that action settles them.
   */
  async lockParked(manager: EntityManager, filters: Omit<DeadLetterFilters, 'status'>, limit: number): Promise<DeadLetterRow[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = [`status = 'parked'`, ...filterSql(filters, param)];
    return manager.query(`SELECT ${COLUMNS} FROM dead_letter WHERE ${where.join(' AND ')} ORDER BY id LIMIT ${param(limit)} FOR UPDATE SKIP LOCKED`, params);
  }

  /**
   * Marks parked rows redriven and appends their messages to the outbox, in the order given, in one
   * statement: a row already settled (a concurrent action got there first) appends nothing. Returns the ids
   * it changed. Each outbox row gets an id of its own (outbox.message_id is unique, and the same message may
   * have to go out again if it is parked again); the envelope, and so what consumers see and deduplicate
   * on, keeps the original messageId.
   */
  async markRedriven(manager: EntityManager, messages: readonly { id: string; message: RedriveMessage }[], settlement: Settlement): Promise<string[]> {
    if (messages.length === 0) return [];
    const rows: { id: string }[] = await manager.query(
      `WITH plan AS (
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS p (id, message_key, message_type, envelope, position)
       ), settled AS (
         UPDATE dead_letter d
            SET status = 'redriven', settled_at = $5, settled_by = $6, settled_reason = $7, settled_action_id = $8
           FROM plan
          WHERE d.id = plan.id AND d.status = 'parked'
         RETURNING d.id, d.topic
       ), appended AS (
         INSERT INTO outbox (message_id, topic, message_key, message_type, envelope)
         SELECT gen_random_uuid(), settled.topic, plan.message_key, plan.message_type, plan.envelope
           FROM settled JOIN plan USING (id)
          ORDER BY plan.position
       )
       SELECT settled.id::text AS id FROM settled JOIN plan USING (id) ORDER BY plan.position`,
      [
        messages.map(({ id }) => id),
        messages.map(({ message }) => message.key),
        messages.map(({ message }) => message.messageType),
        messages.map(({ message }) => JSON.stringify(message.envelope)),
        settlement.at,
        settlement.operatorId,
        settlement.reason,
        settlement.actionId,
      ],
    );
    if (rows.length > 0) noteOutboxAppended(manager);
    return rows.map((row) => row.id);
  }

  /** Marks a parked row discarded; false when it was not parked. */
  async markDiscarded(manager: EntityManager, id: string, settlement: Settlement): Promise<boolean> {
    const [, changed]: [unknown, number] = await manager.query(
      `UPDATE dead_letter SET status = 'discarded', settled_at = $2, settled_by = $3, settled_reason = $4, settled_action_id = $5
        WHERE id = $1 AND status = 'parked'`,
      [id, settlement.at, settlement.operatorId, settlement.reason, settlement.actionId],
    );
    return changed === 1;
  }

  /** Dead letters waiting for an operator (order_saga_dead_letter_depth). */
  async countParked(): Promise<number> {
    const [{ count }]: { count: number }[] = await this.dataSource.query(`SELECT count(*)::int AS count FROM dead_letter WHERE status = 'parked'`);
    return count;
  }

  /** The same per consumer and topic, the deepest first, in one statement (dead_letter_parked_idx finds the rows). */
  countParkedByConsumer(): Promise<{ consumer: string; topic: string; parked: number }[]> {
    return this.dataSource.query(
      `SELECT consumer, topic, count(*)::int AS parked FROM dead_letter WHERE status = 'parked' GROUP BY consumer, topic ORDER BY parked DESC, consumer, topic`,
    );
  }
}

function filterSql(filters: DeadLetterFilters, param: (value: unknown) => string): string[] {
  const where: string[] = [];
  if (filters.consumer) where.push(`consumer = ${param(filters.consumer)}`);
  if (filters.topic) where.push(`topic = ${param(filters.topic)}`);
  if (filters.status) where.push(`status = ${param(filters.status)}`);
  return where;
}

function positionOf(cursor: string): PagePosition {
  const position = decodeCursor(cursor);
  if (!ID_PATTERN.test(position.id)) {
    throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [
      { field: 'cursor', error: 'Must be a next_cursor value returned by this endpoint' },
    ]);
  }
  return position;
}
