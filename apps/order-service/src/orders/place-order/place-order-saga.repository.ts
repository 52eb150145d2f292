import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MessageEnvelope, MessageOrigin, ORDER_CANCELLED, ORDER_CREATED, OrderStatus } from '@order-saga/contracts';
import { inMessageBatch, insertOutboxSql, noteOutboxAppended, outboxColumns, outboxRowsOf, OutgoingMessage } from '@order-saga/shared/messaging';
import type { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DeferredStatement, onRollback, planEachTime } from '@order-saga/shared/database';
import { OrderFailure, storedFailure } from '../domain/order-failure';
import {
  FailureReason,
  OPEN_SAGA_STATES,
  OrderChange,
  PlaceOrderSagaState,
  SagaCommand,
  SagaData,
  SagaDecision,
  SagaView,
  TimelineEntry,
} from '../domain/place-order.saga';
import type { ShippingAddress } from '../order.entity';
import { InventoryProxy } from './inventory.proxy';
import { PaymentProxy } from './payment.proxy';

/** An order line as the saga's messages need it. */
export interface SagaOrderLine {
  productId: string;
  quantity: number;
  unitPriceCents: number | null;
}

/** A saga as read for one step: what decide() needs, plus what the order's events and commands are made of. */
export interface SagaRecord {
  sagaId: string;
  orderId: string;
  /** The compare-and-set guard: the step's write applies only if nobody changed the saga since this read. */
  version: number;
  createdAt: Date;
  view: SagaView;
  order: {
    clientId: string;
    customerId: string;
    totalCents: number | null;
    createdAt: Date;
    /** Null when not read: only the step that confirms the order needs them (for OrderCreated). */
    lines: SagaOrderLine[] | null;
  };
}

/** What POST /orders inserts: a pending order, its lines, and the saga that starts with ReserveStock. */
export interface NewOrder {
  orderId: string;
  clientId: string;
  customerId: string;
  shippingAddress: ShippingAddress | null;
  idempotencyKey: string | null;
  idempotencyRequestHash: string | null;
  estimatedDelivery: Date;
  lines: { productId: string; quantity: number; requestedUnitPriceCents: number | null }[];
}

/** What inserting a new order came to: placed, or refused because of its customer or its idempotency key. */
export type InsertOutcome = 'placed' | 'unknown-customer' | 'key-taken';

/**
 * Another transaction changed the saga between this step's read and its write (a reply on another topic,
 * or the timeout sweep). SQLSTATE 40001, like PostgreSQL's own serialization failures, so the message
 * processor retries it as a transient failure: the retry reads the saga again and decides again.
 */
export class SagaMovedOnError extends Error {
  readonly code = '40001';

  constructor(orderId: string) {
    super(`saga of order ${orderId} changed while a step was being decided; the step is retried`);
    this.name = 'SagaMovedOnError';
  }
}

/**
 * A consumer batch holds two messages of one saga (a duplicate under a new id, a late reply beside a
 * fresh one). The batch rolls back and its messages are re-run one at a time, where each step reads the
 * saga its predecessor wrote.
 */
export class SagaStepsInOneBatchError extends Error {
  constructor(orderId: string) {
    super(`two steps of the saga of order ${orderId} in one consumer batch; the batch is re-run one message at a time`);
    this.name = 'SagaStepsInOneBatchError';
  }
}

interface SagaRow {
  saga_id: string;
  order_id: string;
  version: number;
  created_at: Date;
  state: PlaceOrderSagaState;
  reservation_id: string | null;
  payment_id: string | null;
  step_deadline_at: Date | null;
  step_attempts: number;
  failure_reason: FailureReason | null;
  stock_released: boolean;
  status: OrderStatus;
  client_id: string;
  customer_id: string;
  total_cents: number | null;
  failure_code: string | null;
  failure_detail: unknown;
  order_created_at: Date;
}

// Statement texts built once: the prepared-statement cache keys on the text, and a new string each call is hashed again.
/**
 * POST /orders. ON CONFLICT names the idempotency index only: a key already taken inserts nothing (every
 * later CTE hangs off `placed`), and the caller judges the request against the order that holds the key.
 */
const INSERT_ORDER_SQL = `WITH customer AS (
       SELECT customer_id FROM customer WHERE client_id = $2 AND customer_id = $3 AND status = 'active'
     ), placed AS (
       INSERT INTO customer_order (order_id, client_id, customer_id, status, currency, shipping_address, idempotency_key,
                                   idempotency_request_hash, estimated_delivery, created_at, updated_at)
       SELECT $1, $2, customer_id, 'pending', 'USD', $4, $5, $6, $7, $8, $8 FROM customer
       ON CONFLICT (client_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING order_id
     ), lines AS (
       INSERT INTO order_line (order_id, line_no, product_id, quantity, requested_unit_price_cents)
       SELECT placed.order_id, line.n - 1, line.item->>'productId', (line.item->>'quantity')::int, (line.item->>'requestedUnitPriceCents')::int
         FROM placed, jsonb_array_elements($9::jsonb) WITH ORDINALITY AS line(item, n)
     ), saga AS (
       INSERT INTO saga_instance (saga_id, order_id, saga_type, state, step_deadline_at, step_attempts, version, created_at, updated_at)
       SELECT $10, order_id, 'PlaceOrder', $11, $12, $13, 1, $8, $8 FROM placed
       RETURNING saga_id, order_id
     ), timeline AS (${insertTimeline('$14', '$8')}
     ), outbox AS (${insertOutboxSql(15, 'placed')})
     SELECT (SELECT count(*) FROM customer)::int AS customers, (SELECT count(*) FROM placed)::int AS placed`;

const FIND_SAGA_SQL = `SELECT s.saga_id, s.order_id, s.version, s.created_at, s.state, s.reservation_id, s.payment_id, s.step_deadline_at,
            s.step_attempts, s.failure_reason, s.stock_released,
            o.status, o.client_id, o.customer_id, o.total_cents, o.failure_code, o.failure_detail, o.created_at AS order_created_at
       FROM saga_instance s JOIN customer_order o ON o.order_id = s.order_id
      WHERE s.order_id = $1`;

/**
 * Saga steps, one row of the parameter arrays each: everything hangs off the compare-and-set in `saga`,
 * so a refused step writes nothing; the caller compares the applied count with the steps it sent. A
 * consumer batch's steps go in one such statement (at most one step per saga: a set-based UPDATE
 * changes a row once). Its arrays are joined to growing tables, hence a plan made for each run.
 */
const APPLY_STEPS_SQL = planEachTime(`WITH step AS (
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::uuid[], $5::uuid[], $6::timestamptz[], $7::int[], $8::text[], $9::boolean[],
                            $10::timestamptz[], $11::jsonb[], $12::jsonb[]) WITH ORDINALITY
         AS s(saga_id, version, state, reservation_id, payment_id, step_deadline_at, step_attempts, failure_reason, stock_released,
              now, order_change, timeline, position)
     ), saga AS (
       UPDATE saga_instance i
          SET state = s.state, reservation_id = s.reservation_id, payment_id = s.payment_id, step_deadline_at = s.step_deadline_at,
              step_attempts = s.step_attempts, failure_reason = s.failure_reason, stock_released = s.stock_released,
              version = i.version + 1, updated_at = s.now
         FROM step s
        WHERE i.saga_id = s.saga_id AND i.version = s.version
       RETURNING i.saga_id, i.order_id
     ), applied AS (
       SELECT saga.order_id, s.* FROM saga JOIN step s USING (saga_id)
     ), changed_order AS (
       UPDATE customer_order o
          SET status = COALESCE(a.order_change->>'status', o.status),
              total_cents = COALESCE((a.order_change->>'totalCents')::int, o.total_cents),
              failure_code = COALESCE(a.order_change->'failure'->>'code', o.failure_code),
              failure_detail = COALESCE(a.order_change->'failure'->'details', o.failure_detail),
              updated_at = a.now
         FROM applied a
        WHERE o.order_id = a.order_id AND a.order_change IS NOT NULL
     ), priced AS (
       UPDATE order_line l SET unit_price_cents = (price->>'unitPriceCents')::int
         FROM applied a, jsonb_array_elements(COALESCE(a.order_change->'unitPrices', '[]')) AS price
        WHERE l.order_id = a.order_id AND l.product_id = price->>'productId'
     ), timeline AS (
       INSERT INTO saga_step (saga_id, order_id, kind, name, message_id, detail, occurred_at)
       SELECT a.saga_id, a.order_id, entry->>'kind', entry->>'name', (entry->>'messageId')::uuid, NULLIF(entry->'detail', 'null'::jsonb), a.now
         FROM applied a, jsonb_array_elements(a.timeline) WITH ORDINALITY AS t(entry, n)
        ORDER BY a.position, t.n
     ), outbox AS (
       INSERT INTO outbox (message_id, topic, message_key, message_type, envelope)
       SELECT m.message_id, m.topic, m.message_key, m.message_type, m.envelope
         FROM unnest($13::uuid[], $14::text[], $15::text[], $16::text[], $17::jsonb[], $18::uuid[]) WITH ORDINALITY
              AS m(message_id, topic, message_key, message_type, envelope, saga_id, position)
        WHERE m.saga_id IN (SELECT saga_id FROM saga)
        ORDER BY m.position
     )
     SELECT saga_id FROM saga`);

/** Open sagas this process wrote last; more than this and the oldest are forgotten (a miss only costs a read). */
export const RECENT_SAGAS_LIMIT = 10_000;

/**
 * Applies the saga's decisions in as few statements as possible: POST /orders is one statement
 * (order, lines, saga, timeline and outbox, in autocommit unless the caller has a transaction), and a
 * step is one statement whose compare-and-set on the saga's version gates the order, its lines, the
 * timeline and the outbox, so a step that loses the race writes nothing at all.
 *
 * The read before a step is usually no statement either: the record this process wrote last for an open
 * saga is kept in memory, and a step decides on it. A stale copy (another replica or the sweep moved the
 * saga) cannot do harm, because the compare-and-set refuses it; the step then reads the saga from the
 * database and decides again. A copy written by a transaction that rolls back is dropped.
 */
@Injectable()
export class PlaceOrderSagaRepository {
  private readonly recent = new Map<string, SagaRecord>();
  private readonly pool: Pool;
  /** A consumer batch's steps, written in one statement before its commit. */
  private readonly steps = new DeferredStatement<QueuedStep>((manager, steps) => this.write(manager, steps));

  constructor(dataSource: DataSource) {
    this.pool = (dataSource.driver as PostgresDriver).master as Pool;
  }

  /** Inserts the pending order, its lines, the saga and its first timeline line, and ReserveStock, in one statement. */
  async insert(
    manager: EntityManager,
    order: NewOrder,
    saga: SagaData,
    decision: Pick<SagaDecision, 'commands' | 'timeline'>,
    origin: MessageOrigin,
    now: Date,
  ): Promise<InsertOutcome> {
    const outbox = outboxRows(
      decision.commands.map((command) => commandMessage(order, command, origin)),
      now,
    );
    const sagaId = randomUUID();
    const [{ customers, placed }] = await this.query<{ customers: number; placed: number }>(manager, INSERT_ORDER_SQL, [
      order.orderId,
      order.clientId,
      order.customerId,
      order.shippingAddress,
      order.idempotencyKey,
      order.idempotencyRequestHash,
      order.estimatedDelivery,
      now,
      JSON.stringify(order.lines),
      sagaId,
      saga.state,
      saga.stepDeadlineAt,
      saga.stepAttempts,
      timelineJson(decision.timeline, outbox.ids, null),
      ...outbox.columns,
    ]);
    if (placed !== 1) return customers === 1 ? 'key-taken' : 'unknown-customer';
    this.appended(manager, outbox);
    this.remember(manager, {
      sagaId,
      orderId: order.orderId,
      version: 1,
      createdAt: now,
      view: { ...saga, orderStatus: 'pending', orderFailure: null },
      order: {
        clientId: order.clientId,
        customerId: order.customerId,
        totalCents: null,
        createdAt: now,
        lines: order.lines.map(({ productId, quantity }) => ({ productId, quantity, unitPriceCents: null })),
      },
    });
    return 'placed';
  }

  /** The saga of an order, with what its next step needs; null for an order without one. `fresh` skips the copy in memory. */
  async find(manager: EntityManager, orderId: string, fresh = false): Promise<SagaRecord | null> {
    const recent = fresh ? undefined : this.recent.get(orderId);
    if (recent) return recent;
    const [row] = await this.query<SagaRow>(manager, FIND_SAGA_SQL, [orderId]);
    if (!row) return null;
    return {
      sagaId: row.saga_id,
      orderId: row.order_id,
      version: row.version,
      createdAt: row.created_at,
      view: {
        state: row.state,
        reservationId: row.reservation_id,
        paymentId: row.payment_id,
        stepDeadlineAt: row.step_deadline_at,
        stepAttempts: row.step_attempts,
        failureReason: row.failure_reason,
        stockReleased: row.stock_released,
        orderStatus: row.status,
        orderFailure: storedFailure(row.failure_code, row.failure_detail),
      },
      order: { clientId: row.client_id, customerId: row.customer_id, totalCents: row.total_cents, createdAt: row.order_created_at, lines: null },
    };
  }

  /**
   * Writes a decision with a compare-and-set on the saga's version that gates everything else, and
   * returns the saga as it now is. Outside a consumer batch the step is one statement, and throws
   * SagaMovedOnError, having written nothing, when the saga changed since `record` was read. In a batch
   * the step is queued, and the batch's steps go in one statement just before its commit; a refused
   * compare-and-set there fails the commit, as does a second step of the same saga here, and the batch
   * is re-run one message at a time.
   */
  async apply(
    manager: EntityManager,
    record: SagaRecord,
    decision: SagaDecision,
    reply: MessageEnvelope | null,
    origin: MessageOrigin,
    now: Date,
  ): Promise<SagaRecord> {
    const settled = decision.order ? await this.withLinesIfConfirming(manager, record, decision.order) : record;
    const commands = decision.commands.map((command) => commandMessage({ orderId: record.orderId, customerId: record.order.customerId }, command, origin));
    const outbox = outboxRows([...(decision.order ? orderEvents(settled, decision.order, origin, now) : []), ...commands], now);
    const step: QueuedStep = { record, decision, outbox, timeline: timelineJson(decision.timeline, outbox.ids, reply), now };
    const after = recordAfter(settled, decision);
    if (inMessageBatch(manager)) {
      // One UPDATE changes a saga once. Writing the queued steps early instead would let this message's
      // handler catch, and retry past, a refusal that belongs to another message's step.
      if (this.steps.queued(manager).some((queued) => queued.record.sagaId === record.sagaId)) throw new SagaStepsInOneBatchError(record.orderId);
      await this.steps.add(manager, step);
    } else {
      await this.write(manager, [step]);
    }
    this.remember(manager, after);
    return after;
  }

  /** The steps in one statement; SagaMovedOnError when any compare-and-set was refused (the caller's transaction then rolls back). */
  private async write(manager: EntityManager, steps: readonly QueuedStep[]): Promise<void> {
    const outboxSagaIds = steps.flatMap(({ record, outbox }) => outbox.columns[0].map(() => record.sagaId));
    const outboxColumns = [0, 1, 2, 3, 4].map((column) => steps.flatMap(({ outbox }) => outbox.columns[column]));
    const sagas = steps.map(({ decision }) => decision.saga);
    const applied = await this.query<{ saga_id: string }>(manager, APPLY_STEPS_SQL, [
      steps.map(({ record }) => record.sagaId),
      steps.map(({ record }) => record.version),
      sagas.map((saga) => saga.state),
      sagas.map((saga) => saga.reservationId),
      sagas.map((saga) => saga.paymentId),
      sagas.map((saga) => saga.stepDeadlineAt),
      sagas.map((saga) => saga.stepAttempts),
      sagas.map((saga) => saga.failureReason),
      sagas.map((saga) => saga.stockReleased),
      steps.map(({ now }) => now),
      steps.map(({ decision }) => (decision.order ? JSON.stringify(decision.order) : null)),
      steps.map(({ timeline }) => timeline),
      ...outboxColumns,
      outboxSagaIds,
    ]);
    if (applied.length !== steps.length) {
      const written = new Set(applied.map((row) => row.saga_id));
      const refused = steps.filter(({ record }) => !written.has(record.sagaId));
      for (const { record } of refused) this.recent.delete(record.orderId);
      throw new SagaMovedOnError(refused[0].record.orderId);
    }
    if (outboxSagaIds.length > 0) noteOutboxAppended(manager);
  }

  /** The confirming step publishes OrderCreated with the lines; a saga read from the database has not read them yet. */
  private async withLinesIfConfirming(manager: EntityManager, record: SagaRecord, change: OrderChange): Promise<SagaRecord> {
    if (change.status !== 'confirmed' || record.order.lines) return record;
    const lines = await this.query<SagaOrderLine>(
      manager,
      `SELECT product_id AS "productId", quantity, unit_price_cents AS "unitPriceCents" FROM order_line WHERE order_id = $1 ORDER BY line_no`,
      [record.orderId],
    );
    return { ...record, order: { ...record.order, lines } };
  }

  /** Keeps an open saga's latest record for its next step (dropped again if its transaction rolls back); forgets a finished one. */
  private remember(manager: EntityManager, record: SagaRecord): void {
    const { orderId } = record;
    const known = this.recent.get(orderId);
    this.recent.delete(orderId);
    if (!OPEN_SAGA_STATES.includes(record.view.state)) return;
    if (known && known.version > record.version) {
      this.recent.set(orderId, known);
      return;
    }
    this.recent.set(orderId, record);
    onRollback(manager, () => {
      if (this.recent.get(orderId) === record) this.recent.delete(orderId);
    });
    if (this.recent.size > RECENT_SAGAS_LIMIT) this.recent.delete(this.recent.keys().next().value as string);
  }

  private appended(manager: EntityManager, outbox: OutboxRows): void {
    if (outbox.ids.size > 0) noteOutboxAppended(manager);
  }

  /** In the caller's transaction if it has one; otherwise straight on the pool, one autocommit statement without TypeORM's query runner. */
  private async query<T>(manager: EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
    if (manager.queryRunner) return manager.query(sql, parameters);
    return (await this.pool.query(sql, parameters)).rows as T[];
  }
}

/** The record a successful step leaves: what the statement wrote, applied to what was read. */
export function recordAfter(record: SagaRecord, { saga, order: change }: SagaDecision): SagaRecord {
  const failure = change && 'failure' in change ? asStored(change.failure) : record.view.orderFailure;
  const prices = change && 'unitPrices' in change ? new Map(change.unitPrices.map((price) => [price.productId, price.unitPriceCents])) : null;
  const { lines } = record.order;
  return {
    ...record,
    version: record.version + 1,
    view: { ...saga, orderStatus: change?.status ?? record.view.orderStatus, orderFailure: failure },
    order: {
      ...record.order,
      totalCents: change && 'totalCents' in change ? change.totalCents : record.order.totalCents,
      lines: prices && lines ? lines.map((line) => ({ ...line, unitPriceCents: prices.get(line.productId) ?? line.unitPriceCents })) : lines,
    },
  };
}

/** A failure as it reads back from its jsonb column. */
function asStored(failure: OrderFailure): OrderFailure | null {
  return storedFailure(failure.code, JSON.parse(JSON.stringify(failure.details)));
}

/** Inserts a decision's timeline (a JSON array) for the saga that the statement's `saga` CTE returned. */
function insertTimeline(timeline: string, now: string): string {
  return `INSERT INTO saga_step (saga_id, order_id, kind, name, message_id, detail, occurred_at)
         SELECT saga.saga_id, saga.order_id, entry->>'kind', entry->>'name', (entry->>'messageId')::uuid, NULLIF(entry->'detail', 'null'::jsonb), ${now}
           FROM saga, jsonb_array_elements(${timeline}::jsonb) WITH ORDINALITY AS step(entry, n)
          ORDER BY step.n`;
}

/** A step on its way to the database: the decision, and the outbox rows and timeline it writes. */
interface QueuedStep {
  record: SagaRecord;
  decision: SagaDecision;
  outbox: OutboxRows;
  timeline: string;
  now: Date;
}

interface OutboxRows {
  /** Message ids by message type, for the timeline. */
  ids: Map<string, string>;
  /** message_id, topic, message_key, message_type and envelope, one array each. */
  columns: [string[], string[], string[], string[], string[]];
}

/** The step's messages as outbox rows (the messaging library's), written in the step's own statement, gated by its compare-and-set. */
function outboxRows(messages: readonly OutgoingMessage[], now: Date): OutboxRows {
  const rows = outboxRowsOf(messages, now);
  return { ids: new Map(rows.map(({ envelope }) => [envelope.type, envelope.messageId])), columns: outboxColumns(rows) };
}

function timelineJson(entries: readonly TimelineEntry[], commandIds: Map<string, string>, reply: MessageEnvelope | null): string {
  return JSON.stringify(
    entries.map(({ kind, name, message, detail }) => ({
      kind,
      name,
      detail,
      messageId: message === 'reply' ? (reply?.messageId ?? null) : message === 'command' ? (commandIds.get(name) ?? null) : null,
    })),
  );
}

function commandMessage(order: { orderId: string; customerId: string }, command: SagaCommand, origin: MessageOrigin): OutgoingMessage {
  switch (command.type) {
    case 'ReserveStock':
      return InventoryProxy.reserveStock(order.orderId, command.items, origin);
    case 'ProcessPayment':
      return PaymentProxy.processPayment({ orderId: order.orderId, customerId: order.customerId, amountCents: command.amountCents }, origin);
    case 'ReleaseStock':
      return InventoryProxy.releaseStock(order.orderId, command.reservationId, command.reason, origin);
    case 'RefundPayment':
      return PaymentProxy.refundPayment(order.orderId, command.reason, origin);
  }
}

/**
 * What subscribers hear when the saga settles an order: one OrderCreated or OrderCancelled, carrying the
 * status change as well (notification-service sends `order.updated` from it; inventory confirms the
 * reservation on OrderCreated). One message where there were three (with OrderUpdated and ConfirmReservation).
 */
function orderEvents({ orderId, order }: SagaRecord, change: OrderChange, origin: MessageOrigin, now: Date): OutgoingMessage[] {
  if (change.status === 'pending') return [];
  const at = now.toISOString();
  const statusChange = { previousStatus: 'pending' as const, currentStatus: change.status, updatedAt: at };
  if (change.status === 'cancelled') {
    return [
      {
        definition: ORDER_CANCELLED,
        payload: {
          orderId,
          clientId: order.clientId,
          customerId: order.customerId,
          previousStatus: 'pending',
          reason: change.failure.code,
          cancelledAt: at,
          statusChange,
        },
        origin,
      },
    ];
  }
  return [
    {
      definition: ORDER_CREATED,
      payload: {
        orderId,
        clientId: order.clientId,
        customerId: order.customerId,
        status: 'confirmed',
        totalCents: order.totalCents ?? 0,
        currency: 'USD',
        items: (order.lines ?? []).map((line) => ({ productId: line.productId, quantity: line.quantity, unitPriceCents: line.unitPriceCents ?? 0 })),
        createdAt: order.createdAt.toISOString(),
        statusChange,
      },
      origin,
    },
  ];
}
