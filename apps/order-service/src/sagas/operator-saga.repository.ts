import { Injectable } from '@nestjs/common';
import type {
  OperatorInboxMessageResponseDto,
  OperatorOutboxMessageResponseDto,
  OperatorSagaDetailResponseDto,
  OperatorSagaResponseDto,
  SagaStateFilter,
  SagaStep as SagaStepName,
} from '@order-saga/contracts/http/operator';
import type { OrderStatus } from '@order-saga/contracts';
import { DataSource } from 'typeorm';
import { decodeCursor, PagePosition, positionSql } from '../common/page-cursor';
import { COMPENSATING_SAGA_STATES, FAILED_SAGA_STATES, OPEN_SAGA_STATES, PlaceOrderSagaState, STEP_OF_STATE } from '../orders/domain/place-order.saga';
import { SagaStep } from '../orders/place-order/saga-step.entity';
import { toTimelineEntry } from '../orders/saga-timeline.response.dto';

export interface SagaFilters {
  state?: SagaStateFilter;
  step?: SagaStepName;
  /** Unchanged for at least this many seconds. */
  olderThanSeconds?: number;
  clientId?: string;
  customerId?: string;
}

export interface SagaPageRow {
  saga: OperatorSagaResponseDto;
  position: PagePosition;
}

interface SagaRow {
  saga_id: string;
  order_id: string;
  client_id: string;
  customer_id: string;
  state: PlaceOrderSagaState;
  order_status: OrderStatus;
  failure_reason: string | null;
  failure_code: string | null;
  step_deadline_at: Date | null;
  step_attempts: number;
  created_at: Date;
  updated_at: Date;
  position: string;
}

interface SagaDetailRow extends SagaRow {
  reservation_id: string | null;
  payment_id: string | null;
  total_cents: number | null;
}

const SAGA_COLUMNS = `s.saga_id, s.order_id, o.client_id, o.customer_id, s.state, o.status AS order_status, s.failure_reason, o.failure_code,
       s.step_deadline_at, s.step_attempts, s.created_at, s.updated_at, ${positionSql('s.updated_at')} AS position`;

/** The state groups of the listing's `state` filter, as SQL on saga_instance `s`. */
const GROUPS: Record<string, (param: (value: unknown) => string) => string> = {
  stuck: () => 's.step_deadline_at < now()',
  failed: (param) => `s.state = ANY(${param(FAILED_SAGA_STATES)})`,
  compensating: (param) => `s.state = ANY(${param(COMPENSATING_SAGA_STATES)})`,
  open: (param) => `s.state = ANY(${param(OPEN_SAGA_STATES)})`,
};

const STATE_OF_STEP = Object.fromEntries(Object.entries(STEP_OF_STATE).map(([state, step]) => [step, state])) as Record<SagaStepName, PlaceOrderSagaState>;

/**
 * Operators' reads of the sagas of every client (sagas/list-sagas, sagas/get-saga). The listing is oldest
 * change first, keyset-paginated on (updated_at, order_id), which the state and deadline indexes serve: a
 * saga that changes while an operator pages moves behind the cursor, so it may be listed again, never skipped.
 */
@Injectable()
export class OperatorSagaRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findPage(filters: SagaFilters, limit: number, cursor?: string): Promise<SagaPageRow[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    if (filters.state) where.push(GROUPS[filters.state]?.(param) ?? `s.state = ${param(filters.state)}`);
    if (filters.step) where.push(`s.state = ${param(STATE_OF_STEP[filters.step])}`);
    if (filters.olderThanSeconds !== undefined) where.push(`s.updated_at <= now() - make_interval(secs => ${param(filters.olderThanSeconds)})`);
    if (filters.clientId) where.push(`o.client_id = ${param(filters.clientId)}`);
    if (filters.customerId) where.push(`o.customer_id = ${param(filters.customerId)}`);
    if (cursor) {
      const after = decodeCursor(cursor);
      where.push(`(s.updated_at, s.order_id) > (${param(after.createdAt)}::timestamptz, ${param(after.id)})`);
    }
    const rows: SagaRow[] = await this.dataSource.query(
      `SELECT ${SAGA_COLUMNS}
         FROM saga_instance s JOIN customer_order o USING (order_id)
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY s.updated_at, s.order_id
        LIMIT ${param(limit + 1)}`,
      params,
    );
    return rows.map((row) => ({ saga: sagaOf(row), position: { createdAt: row.position, id: row.order_id } }));
  }

  /**
   * The saga of an order with its timeline and its order's Kafka messages; null when there is none.
   * Outbox rows carry no index by order: they are read by key from the first one the timeline names (the
   * primary key bounds the scan below), so the cost grows with the messages written since the order began.
   * Inbox rows are the replies the timeline names. Either kind is gone once past MESSAGING_RETENTION_MS.
   */
  async findDetail(orderId: string): Promise<OperatorSagaDetailResponseDto | null> {
    const [row] = (await this.dataSource.query(
      `SELECT ${SAGA_COLUMNS}, s.reservation_id, s.payment_id, o.total_cents
         FROM saga_instance s JOIN customer_order o USING (order_id)
        WHERE s.order_id = $1`,
      [orderId],
    )) as SagaDetailRow[];
    if (!row) return null;
    const steps = await this.dataSource.getRepository(SagaStep).find({ where: { orderId }, order: { id: 'ASC' } });
    const sent = steps.filter((step) => step.messageId && (step.kind === 'command' || step.kind === 'compensation')).map((step) => step.messageId);
    const received = new Map(
      steps.filter((step) => step.messageId && (step.kind === 'reply' || step.kind === 'late-reply')).map((step) => [step.messageId, step.name]),
    );
    const outbox: {
      message_id: string;
      topic: string;
      message_type: string;
      created_at: Date;
      published_at: Date | null;
      envelope: Record<string, unknown>;
    }[] = await this.dataSource.query(
      `SELECT o.message_id, o.topic, o.message_type, o.created_at, o.published_at, o.envelope
           FROM outbox o
          WHERE o.message_key = $1 AND o.id >= (SELECT min(id) FROM outbox WHERE message_id = ANY($2::uuid[]))
          ORDER BY o.id`,
      [orderId, sent],
    );
    const inbox: { message_id: string; consumer: string; received_at: Date }[] = await this.dataSource.query(
      `SELECT message_id, consumer, received_at FROM inbox WHERE message_id = ANY($1::uuid[]) ORDER BY received_at, message_id`,
      [[...received.keys()]],
    );
    return {
      ...sagaOf(row),
      reservation_id: row.reservation_id,
      payment_id: row.payment_id,
      total_cents: row.total_cents,
      timeline: steps.map((step) => toTimelineEntry(step, 'operator')),
      outbox: outbox.map((message): OperatorOutboxMessageResponseDto => ({
        message_id: message.message_id,
        topic: message.topic,
        message_type: message.message_type,
        created_at: message.created_at.toISOString(),
        published_at: message.published_at?.toISOString() ?? null,
        envelope: message.envelope,
      })),
      inbox: inbox.map((message): OperatorInboxMessageResponseDto => ({
        message_id: message.message_id,
        consumer: message.consumer,
        message_type: received.get(message.message_id) ?? 'unknown',
        received_at: message.received_at.toISOString(),
      })),
    };
  }
}

function sagaOf(row: SagaRow): OperatorSagaResponseDto {
  return {
    order_id: row.order_id,
    saga_id: row.saga_id,
    client_id: row.client_id,
    customer_id: row.customer_id,
    state: row.state,
    step: STEP_OF_STATE[row.state] ?? null,
    order_status: row.order_status,
    failure_reason: row.failure_reason,
    failure_code: row.failure_code,
    step_deadline_at: row.step_deadline_at?.toISOString() ?? null,
    step_attempts: row.step_attempts,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
