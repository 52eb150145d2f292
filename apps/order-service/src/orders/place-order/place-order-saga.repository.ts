import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MessageEnvelope, MessageOrigin, ORDER_CANCELLED, ORDER_CREATED, ORDER_UPDATED, OrderStatus } from '@order-saga/contracts';
import { Outbox, OutgoingMessage } from '@order-saga/shared/messaging';
import type { EntityManager } from 'typeorm';
import { storedFailure } from '../domain/order-failure';
import { FailureReason, OrderChange, PlaceOrderSagaState, SagaCommand, SagaData, SagaDecision, SagaView, TimelineEntry } from '../domain/place-order.saga';
import type { ShippingAddress } from '../order.entity';
import { InventoryProxy } from './inventory.proxy';
import { PaymentProxy } from './payment.proxy';

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
    lines: { productId: string; quantity: number; unitPriceCents: number | null }[];
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
  lines: SagaRecord['order']['lines'];
}

/**
 * Applies the saga's decisions in the caller's transaction, in as few statements as the outbox allows:
 * a step is one read (saga + order + lines), one outbox insert, and one write statement whose
 * compare-and-set on the saga's version gates the order, its lines and the timeline.
 */
@Injectable()
export class PlaceOrderSagaRepository {
  constructor(private readonly outbox: Outbox) {}

  /** Inserts the pending order, its lines, the saga and its first timeline line, and ReserveStock; false when the customer is unknown or inactive. */
  async insert(manager: EntityManager, order: NewOrder, saga: SagaData, decision: Pick<SagaDecision, 'commands' | 'timeline'>, origin: MessageOrigin, now: Date): Promise<boolean> {
    const envelopes = await this.send(manager, decision.commands.map((command) => commandMessage(order, command, origin)), now);
    const [{ inserted }]: { inserted: number }[] = await manager.query(
      `WITH customer AS (
         SELECT customer_id FROM customer WHERE client_id = $2 AND customer_id = $3 AND status = 'active'
       ), placed AS (
         INSERT INTO customer_order (order_id, client_id, customer_id, status, currency, shipping_address, idempotency_key,
                                     idempotency_request_hash, estimated_delivery, created_at, updated_at)
         SELECT $1, $2, customer_id, 'pending', 'USD', $4, $5, $6, $7, $8, $8 FROM customer
         RETURNING order_id
       ), lines AS (
         INSERT INTO order_line (order_id, line_no, product_id, quantity, requested_unit_price_cents)
         SELECT placed.order_id, line.n - 1, line.item->>'productId', (line.item->>'quantity')::int, (line.item->>'requestedUnitPriceCents')::int
           FROM placed, jsonb_array_elements($9::jsonb) WITH ORDINALITY AS line(item, n)
       ), saga AS (
         INSERT INTO saga_instance (saga_id, order_id, saga_type, state, step_deadline_at, step_attempts, version, created_at, updated_at)
         SELECT $10, order_id, 'PlaceOrder', $11, $12, $13, 1, $8, $8 FROM placed
         RETURNING saga_id, order_id
       ), timeline AS (${insertTimeline('$14', '$8')})
       SELECT count(*)::int AS inserted FROM placed`,
      [
        order.orderId,
        order.clientId,
        order.customerId,
        order.shippingAddress,
        order.idempotencyKey,
        order.idempotencyRequestHash,
        order.estimatedDelivery,
        now,
        JSON.stringify(order.lines),
        randomUUID(),
        saga.state,
        saga.stepDeadlineAt,
        saga.stepAttempts,
        timelineJson(decision.timeline, envelopes, null),
      ],
    );
    return inserted === 1;
  }

  /** The saga of an order, with what its next step needs; null for an order without one. */
  async find(manager: EntityManager, orderId: string): Promise<SagaRecord | null> {
    const [row]: SagaRow[] = await manager.query(
      `SELECT s.saga_id, s.order_id, s.version, s.created_at, s.state, s.reservation_id, s.payment_id, s.step_deadline_at,
              s.step_attempts, s.failure_reason, s.stock_released,
              o.status, o.client_id, o.customer_id, o.total_cents, o.failure_code, o.failure_detail, o.created_at AS order_created_at,
              (SELECT json_agg(json_build_object('productId', l.product_id, 'quantity', l.quantity, 'unitPriceCents', l.unit_price_cents) ORDER BY l.line_no)
                 FROM order_line l WHERE l.order_id = o.order_id) AS lines
         FROM saga_instance s JOIN customer_order o ON o.order_id = s.order_id
        WHERE s.order_id = $1`,
      [orderId],
    );
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
      order: { clientId: row.client_id, customerId: row.customer_id, totalCents: row.total_cents, createdAt: row.order_created_at, lines: row.lines ?? [] },
    };
  }

  /**
   * Writes a decision: the outbox first (the timeline names the messages' ids), then one statement whose
   * compare-and-set on the saga's version gates everything else. Throws SagaMovedOnError when the saga
   * changed since `record` was read; the transaction must then roll back (the appended messages with it).
   */
  async apply(manager: EntityManager, record: SagaRecord, decision: SagaDecision, reply: MessageEnvelope | null, origin: MessageOrigin, now: Date): Promise<void> {
    const commands = decision.commands.map((command) => commandMessage({ orderId: record.orderId, customerId: record.order.customerId }, command, origin));
    const envelopes = await this.send(manager, [...(decision.order ? orderEvents(record, decision.order, origin, now) : []), ...commands], now);
    const { saga } = decision;
    const [{ applied }]: { applied: number }[] = await manager.query(
      `WITH saga AS (
         UPDATE saga_instance
            SET state = $3, reservation_id = $4, payment_id = $5, step_deadline_at = $6, step_attempts = $7,
                failure_reason = $8, stock_released = $9, version = version + 1, updated_at = $10
          WHERE saga_id = $1 AND version = $2
         RETURNING saga_id, order_id
       ), changed_order AS (
         UPDATE customer_order o
            SET status = COALESCE($11::jsonb->>'status', o.status),
                total_cents = COALESCE(($11::jsonb->>'totalCents')::int, o.total_cents),
                failure_code = COALESCE($11::jsonb->'failure'->>'code', o.failure_code),
                failure_detail = COALESCE($11::jsonb->'failure'->'details', o.failure_detail),
                updated_at = $10
           FROM saga
          WHERE o.order_id = saga.order_id AND $11::jsonb IS NOT NULL
       ), priced AS (
         UPDATE order_line l SET unit_price_cents = (price->>'unitPriceCents')::int
           FROM saga, jsonb_array_elements(COALESCE($11::jsonb->'unitPrices', '[]')) AS price
          WHERE l.order_id = saga.order_id AND l.product_id = price->>'productId'
       ), timeline AS (${insertTimeline('$12', '$10')})
       SELECT count(*)::int AS applied FROM saga`,
      [
        record.sagaId,
        record.version,
        saga.state,
        saga.reservationId,
        saga.paymentId,
        saga.stepDeadlineAt,
        saga.stepAttempts,
        saga.failureReason,
        saga.stockReleased,
        now,
        decision.order ? JSON.stringify(decision.order) : null,
        timelineJson(decision.timeline, envelopes, reply),
      ],
    );
    if (applied !== 1) throw new SagaMovedOnError(record.orderId);
  }

  /** One outbox insert; returns the messages' ids by type, for the timeline. */
  private async send(manager: EntityManager, messages: OutgoingMessage[], now: Date): Promise<Map<string, string>> {
    const envelopes = await this.outbox.appendAll(manager, messages, now);
    return new Map(envelopes.map((envelope) => [envelope.type, envelope.messageId]));
  }
}

/** Inserts a decision's timeline (a JSON array) for the saga that the statement's `saga` CTE returned. */
function insertTimeline(timeline: string, now: string): string {
  return `INSERT INTO saga_step (saga_id, order_id, kind, name, message_id, detail, occurred_at)
         SELECT saga.saga_id, saga.order_id, entry->>'kind', entry->>'name', (entry->>'messageId')::uuid, NULLIF(entry->'detail', 'null'::jsonb), ${now}
           FROM saga, jsonb_array_elements(${timeline}::jsonb) WITH ORDINALITY AS step(entry, n)
          ORDER BY step.n`;
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
    case 'ConfirmReservation':
      return InventoryProxy.confirmReservation(order.orderId, command.reservationId, origin);
    case 'ReleaseStock':
      return InventoryProxy.releaseStock(order.orderId, command.reservationId, command.reason, origin);
    case 'RefundPayment':
      return PaymentProxy.refundPayment(order.orderId, command.reason, origin);
  }
}

/** What subscribers hear when the saga settles an order: OrderCreated or OrderCancelled, then OrderUpdated. */
function orderEvents({ orderId, order }: SagaRecord, change: OrderChange, origin: MessageOrigin, now: Date): OutgoingMessage[] {
  if (change.status === 'pending') return [];
  const updated: OutgoingMessage = {
    definition: ORDER_UPDATED,
    payload: { orderId, clientId: order.clientId, previousStatus: 'pending', currentStatus: change.status, updatedAt: now.toISOString() },
    origin,
  };
  if (change.status === 'cancelled') {
    const cancelled: OutgoingMessage = {
      definition: ORDER_CANCELLED,
      payload: { orderId, clientId: order.clientId, customerId: order.customerId, previousStatus: 'pending', reason: change.failure.code, cancelledAt: now.toISOString() },
      origin,
    };
    return [cancelled, updated];
  }
  const created: OutgoingMessage = {
    definition: ORDER_CREATED,
    payload: {
      orderId,
      clientId: order.clientId,
      customerId: order.customerId,
      status: 'confirmed',
      totalCents: order.totalCents ?? 0,
      currency: 'USD',
      items: order.lines.map((line) => ({ productId: line.productId, quantity: line.quantity, unitPriceCents: line.unitPriceCents ?? 0 })),
      createdAt: order.createdAt.toISOString(),
    },
    origin,
  };
  return [created, updated];
}
