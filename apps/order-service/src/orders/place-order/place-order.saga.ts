import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  MessageEnvelope,
  MessageOrigin,
  ORDER_CANCELLED,
  ORDER_CREATED,
  ORDER_UPDATED,
  PaymentDeclinedReply,
  PaymentRefundedReply,
  PaymentSucceededReply,
  StockReleasedReply,
  StockReservationRejectedReply,
  StockReservedReply,
} from '@order-saga/contracts';
import { Outbox, originOf } from '@order-saga/shared/messaging';
import { PinoLogger } from 'nestjs-pino';
import { EntityManager } from 'typeorm';
import { OrderServiceConfig } from '../../config/order-service.config';
import { OrderLine } from '../order-line.entity';
import { Order } from '../order.entity';
import { findOrderOrFail } from '../order.queries';
import { InventoryProxy } from './inventory.proxy';
import { recordSagaOutcome, SagaOutcome, sagasStarted } from '@order-saga/shared/observability';
import { ORDER_OUTCOME_CHANNEL } from './order-outcome.waiter';
import { PaymentProxy } from './payment.proxy';
import { FAILED_SAGA_STATES, PlaceOrderSagaState, SagaInstance } from './saga-instance.entity';
import { SagaStepKind } from './saga-step.entity';

/** Compensations are re-sent with a growing pause, but never less often than this. */
const MAX_COMPENSATION_RETRY_MS = 5 * 60_000;

/** What a failed saga tells the order: failure code (error_code of the order) per failure reason. */
const FAILURE_CODES: Record<string, string> = {
  payment_declined: 'PAYMENT_FAILED',
  payment_timeout: 'PAYMENT_TIMEOUT',
  inventory_timeout: 'INVENTORY_TIMEOUT',
};

/** What starting the saga needs of the order just inserted. */
export interface NewOrder {
  orderId: string;
  lines: readonly Pick<OrderLine, 'productId' | 'quantity' | 'requestedUnitPriceCents'>[];
}

/** Final saga states, as the `outcome` label of order_saga_sagas_total. */
const SAGA_OUTCOMES: Partial<Record<PlaceOrderSagaState, SagaOutcome>> = {
  CONFIRMED: 'confirmed',
  REJECTED: 'rejected',
  COMPENSATED: 'compensated',
  TIMED_OUT: 'timed_out',
};

/**
 * The PlaceOrder saga, orchestrated by order-service. Read top to bottom:
 *
 *   step 1  RESERVING_STOCK     → inventory.ReserveStock                      (deadline SAGA_STEP_TIMEOUT_MS)
 *             StockReserved            → step 2
 *             StockReservationRejected → REJECTED     (order cancelled, INSUFFICIENT_INVENTORY; nothing to undo)
 *             deadline passed          → TIMED_OUT    (order cancelled, inventory_timeout)
 *   step 2  PROCESSING_PAYMENT  → payment.ProcessPayment                      (deadline SAGA_STEP_TIMEOUT_MS)
 *             PaymentSucceeded         → CONFIRMED    (order confirmed, OrderCreated, inventory.ConfirmReservation)
 *             PaymentDeclined          → compensate step 1 (reason payment_declined)
 *             deadline passed          → compensate step 2, then step 1 (reason payment_timeout: a charge may have happened)
 *   comp.   REFUNDING_PAYMENT   → payment.RefundPayment                       (re-sent every SAGA_COMPENSATION_RETRY_MS)
 *             PaymentRefunded          → RELEASING_STOCK
 *   comp.   RELEASING_STOCK     → inventory.ReleaseStock                      (re-sent every SAGA_COMPENSATION_RETRY_MS)
 *             StockReleased            → COMPENSATED  (order cancelled with the failure reason)
 *
 * Late replies, after the saga moved on: a StockReserved for a failed saga is released; a PaymentSucceeded
 * for a saga that is not confirming is refunded. Anything else that does not fit is recorded and ignored.
 * A saga is COMPENSATED only once every compensation it sent was answered.
 *
 * Every transition runs in the transaction of the reply (see MessageProcessor) or of the timeout sweep
 * that caused it, with the saga row locked (SELECT … FOR UPDATE): the saga row, the order, the timeline
 * and the next command commit together or not at all, and two messages of one saga never interleave.
 */
@Injectable()
export class PlaceOrderSaga {
  constructor(
    private readonly inventory: InventoryProxy,
    private readonly payment: PaymentProxy,
    private readonly outbox: Outbox,
    private readonly config: OrderServiceConfig,
    private readonly logger: PinoLogger,
  ) {}

  /** Starts the saga for a freshly inserted pending order, in the caller's transaction. */
  async start(manager: EntityManager, order: NewOrder, origin: MessageOrigin, now = new Date()): Promise<void> {
    const saga = manager.create(SagaInstance, {
      sagaId: randomUUID(),
      orderId: order.orderId,
      sagaType: 'PlaceOrder',
      state: 'RESERVING_STOCK',
      reservationId: null,
      paymentId: null,
      stepDeadlineAt: this.stepDeadline(now),
      stepAttempts: 1,
      failureReason: null,
      stockReleased: false,
    });
    await manager.insert(SagaInstance, saga);
    const command = await this.inventory.reserveStock(
      manager,
      order.orderId,
      order.lines.map(({ productId, quantity, requestedUnitPriceCents }) => ({
        productId,
        quantity,
        ...(requestedUnitPriceCents !== null ? { expectedUnitPriceCents: requestedUnitPriceCents } : {}),
      })),
      origin,
    );
    await this.record(manager, saga, 'command', 'ReserveStock', command, { items: order.lines.length, deadline: saga.stepDeadlineAt }, now);
    sagasStarted.inc();
  }

  // ── step 1 replies ──────────────────────────────────────────────────────────────────────────────

  async onStockReserved(manager: EntityManager, reply: MessageEnvelope<StockReservedReply>, now = new Date()): Promise<void> {
    const saga = await this.lock(manager, reply);
    if (!saga) return;
    const { reservationId, items, totalCents } = reply.payload;
    if (saga.state !== 'RESERVING_STOCK') return this.onLateStockReserved(manager, saga, reply, now);
    await this.record(manager, saga, 'reply', 'StockReserved', reply, { reservationId, totalCents }, now);

    const order = await findOrderOrFail(manager, { orderId: saga.orderId });
    await this.applyCatalogPrices(manager, order, items);
    await manager.query(`UPDATE customer_order SET total_cents = $2, updated_at = now() WHERE order_id = $1`, [order.orderId, totalCents]);

    await this.transition(manager, saga, 'PROCESSING_PAYMENT', this.stepDeadline(now), { reservationId });
    const command = await this.payment.processPayment(
      manager,
      { orderId: order.orderId, customerId: order.customerId, amountCents: totalCents },
      originOf(reply),
    );
    await this.record(manager, saga, 'command', 'ProcessPayment', command, { amountCents: totalCents, deadline: saga.stepDeadlineAt }, now);
  }

  /** Stock reserved after the saga gave up on it (inventory timed out): give it back. */
  private async onLateStockReserved(manager: EntityManager, saga: SagaInstance, reply: MessageEnvelope<StockReservedReply>, now: Date): Promise<void> {
    const { reservationId } = reply.payload;
    if (saga.reservationId === reservationId || !FAILED_SAGA_STATES.includes(saga.state)) {
      return this.ignore(manager, saga, reply, now);
    }
    await this.record(manager, saga, 'late-reply', 'StockReserved', reply, { reservationId, state: saga.state }, now);
    await this.transition(manager, saga, 'RELEASING_STOCK', this.compensationDeadline(now, 1), { reservationId, stockReleased: false, stepAttempts: 1 });
    await this.sendReleaseStock(manager, saga, `late reservation after ${saga.failureReason}`, originOf(reply), now);
  }

  async onStockReservationRejected(manager: EntityManager, reply: MessageEnvelope<StockReservationRejectedReply>, now = new Date()): Promise<void> {
    const saga = await this.lock(manager, reply);
    if (!saga) return;
    if (saga.state !== 'RESERVING_STOCK') return this.ignore(manager, saga, reply, now);
    const { reason, shortages, priceMismatches } = reply.payload;
    await this.record(manager, saga, 'reply', 'StockReservationRejected', reply, { reason, shortages, priceMismatches }, now);
    await this.transition(manager, saga, 'REJECTED', null, { failureReason: reason === 'PRICE_MISMATCH' ? 'price_mismatch' : 'insufficient_inventory' });
    // A price the catalog does not confirm is the client's mistake (400), not a stock problem.
    const failureCode = reason === 'PRICE_MISMATCH' ? 'VALIDATION_ERROR' : 'INSUFFICIENT_INVENTORY';
    await this.cancelOrder(manager, saga, failureCode, { reason, shortages, priceMismatches }, originOf(reply), now);
  }

  // ── step 2 replies ──────────────────────────────────────────────────────────────────────────────

  async onPaymentSucceeded(manager: EntityManager, reply: MessageEnvelope<PaymentSucceededReply>, now = new Date()): Promise<void> {
    const saga = await this.lock(manager, reply);
    if (!saga) return;
    const { paymentId, amountCents } = reply.payload;
    if (saga.state !== 'PROCESSING_PAYMENT') return this.onLatePaymentSucceeded(manager, saga, reply, now);
    await this.record(manager, saga, 'reply', 'PaymentSucceeded', reply, { paymentId, amountCents }, now);
    await this.transition(manager, saga, 'CONFIRMED', null, { paymentId });
    await this.confirmOrder(manager, saga, originOf(reply), now);
    // Committed stock: inventory's expiry sweeper must leave this reservation alone.
    const confirm = await this.inventory.confirmReservation(manager, saga.orderId, saga.reservationId!, originOf(reply));
    await this.record(manager, saga, 'command', 'ConfirmReservation', confirm, { reservationId: saga.reservationId }, now);
  }

  /** A charge that arrived after the saga stopped waiting for it: the money goes back. */
  private async onLatePaymentSucceeded(manager: EntityManager, saga: SagaInstance, reply: MessageEnvelope<PaymentSucceededReply>, now: Date): Promise<void> {
    // CONFIRMED: a duplicate. REFUNDING_PAYMENT: the refund in flight is by order id and payment-service
    // applies it after this charge (a refund that came first voids the order, so no charge could follow).
    if (saga.state === 'CONFIRMED' || saga.state === 'REFUNDING_PAYMENT' || saga.state === 'RESERVING_STOCK') return this.ignore(manager, saga, reply, now);
    const { paymentId, amountCents } = reply.payload;
    await this.record(manager, saga, 'late-reply', 'PaymentSucceeded', reply, { paymentId, amountCents, state: saga.state }, now);
    await this.transition(manager, saga, 'REFUNDING_PAYMENT', this.compensationDeadline(now, 1), { paymentId, stepAttempts: 1 });
    await this.sendRefundPayment(manager, saga, `late charge after ${saga.failureReason ?? saga.state}`, originOf(reply), now);
  }

  async onPaymentDeclined(manager: EntityManager, reply: MessageEnvelope<PaymentDeclinedReply>, now = new Date()): Promise<void> {
    const saga = await this.lock(manager, reply);
    if (!saga) return;
    if (saga.state !== 'PROCESSING_PAYMENT') return this.ignore(manager, saga, reply, now);
    const { paymentId, declineCode, message } = reply.payload;
    await this.record(manager, saga, 'reply', 'PaymentDeclined', reply, { paymentId, declineCode, message }, now);
    await manager.update(Order, { orderId: saga.orderId }, { failureCode: 'PAYMENT_FAILED', failureDetail: { declineCode, message } });

    // Compensate step 1: the order must not keep stock it will never pay for.
    await this.transition(manager, saga, 'RELEASING_STOCK', this.compensationDeadline(now, 1), { paymentId, failureReason: 'payment_declined', stepAttempts: 1 });
    await this.sendReleaseStock(manager, saga, `payment declined: ${declineCode}`, originOf(reply), now);
  }

  // ── timeouts (called by SagaTimeoutsHandler with the saga row locked) ───────────────────────────

  async onStepTimeout(manager: EntityManager, saga: SagaInstance, now = new Date()): Promise<void> {
    const origin: MessageOrigin = { correlationId: saga.orderId, causationId: null, requestId: null, traceparent: null };
    const overdue = { deadline: saga.stepDeadlineAt, attempts: saga.stepAttempts };
    switch (saga.state) {
      case 'RESERVING_STOCK':
        // Nothing known to undo; a reservation that still shows up is released as a late reply,
        // and inventory expires reservations nobody confirmed.
        await this.record(manager, saga, 'timeout', 'ReserveStock', null, overdue, now);
        await this.transition(manager, saga, 'TIMED_OUT', null, { failureReason: 'inventory_timeout' });
        await this.cancelOrder(manager, saga, FAILURE_CODES.inventory_timeout, { reason: 'inventory_timeout' }, origin, now);
        return;
      case 'PROCESSING_PAYMENT':
        // The charge may have happened (or may still happen): refund first, then release the stock.
        await this.record(manager, saga, 'timeout', 'ProcessPayment', null, overdue, now);
        await manager.update(Order, { orderId: saga.orderId }, { failureCode: FAILURE_CODES.payment_timeout, failureDetail: { reason: 'payment_timeout' } });
        await this.transition(manager, saga, 'REFUNDING_PAYMENT', this.compensationDeadline(now, 1), { failureReason: 'payment_timeout', stepAttempts: 1 });
        await this.sendRefundPayment(manager, saga, 'payment_timeout', origin, now);
        return;
      case 'REFUNDING_PAYMENT':
      case 'RELEASING_STOCK': {
        // A compensation must run; its reply did not come, so it is sent again, until it does.
        const attempts = saga.stepAttempts + 1;
        await this.record(manager, saga, 'timeout', saga.state === 'REFUNDING_PAYMENT' ? 'RefundPayment' : 'ReleaseStock', null, overdue, now);
        await this.transition(manager, saga, saga.state, this.compensationDeadline(now, attempts), { stepAttempts: attempts });
        if (saga.state === 'REFUNDING_PAYMENT') await this.sendRefundPayment(manager, saga, saga.failureReason ?? 'compensation retry', origin, now);
        else await this.sendReleaseStock(manager, saga, saga.failureReason ?? 'compensation retry', origin, now);
        return;
      }
      default:
        // A terminal saga has no deadline; clear a stray one so the sweeper does not pick it again.
        await this.transition(manager, saga, saga.state, null);
    }
  }

  // ── compensation replies ────────────────────────────────────────────────────────────────────────

  async onPaymentRefunded(manager: EntityManager, reply: MessageEnvelope<PaymentRefundedReply>, now = new Date()): Promise<void> {
    const saga = await this.lock(manager, reply);
    if (!saga) return;
    if (saga.state !== 'REFUNDING_PAYMENT') return this.ignore(manager, saga, reply, now);
    const { outcome, refundedCents, paymentId } = reply.payload;
    await this.record(manager, saga, 'reply', 'PaymentRefunded', reply, { outcome, refundedCents, paymentId }, now);
    if (saga.reservationId && !saga.stockReleased) {
      await this.transition(manager, saga, 'RELEASING_STOCK', this.compensationDeadline(now, 1), { stepAttempts: 1 });
      await this.sendReleaseStock(manager, saga, saga.failureReason ?? 'compensation', originOf(reply), now);
      return;
    }
    await this.finishCompensation(manager, saga, originOf(reply), now);
  }

  async onStockReleased(manager: EntityManager, reply: MessageEnvelope<StockReleasedReply>, now = new Date()): Promise<void> {
    const saga = await this.lock(manager, reply);
    if (!saga) return;
    if (saga.state !== 'RELEASING_STOCK' || saga.reservationId !== reply.payload.reservationId) return this.ignore(manager, saga, reply, now);
    await this.record(manager, saga, 'reply', 'StockReleased', reply, { reservationId: reply.payload.reservationId }, now);
    saga.stockReleased = true;
    await this.finishCompensation(manager, saga, originOf(reply), now);
  }

  /** Every compensation was answered: the saga is compensated, and the order cancelled unless it already was. */
  private async finishCompensation(manager: EntityManager, saga: SagaInstance, origin: MessageOrigin, now: Date): Promise<void> {
    await this.transition(manager, saga, 'COMPENSATED', null);
    const order = await findOrderOrFail(manager, { orderId: saga.orderId });
    if (order.status !== 'pending') {
      await this.record(manager, saga, 'outcome', 'CompensationCompleted', null, { orderStatus: order.status }, now);
      return;
    }
    const reason = saga.failureReason ?? 'compensated';
    const detail = reason === 'payment_declined' ? order.failureDetail : { reason };
    await this.cancelOrder(manager, saga, FAILURE_CODES[reason] ?? 'CONFLICT', detail, origin, now);
  }

  private async sendReleaseStock(manager: EntityManager, saga: SagaInstance, reason: string, origin: MessageOrigin, now: Date): Promise<void> {
    const command = await this.inventory.releaseStock(manager, saga.orderId, saga.reservationId!, reason, origin);
    await this.record(manager, saga, 'compensation', 'ReleaseStock', command, { reservationId: saga.reservationId, attempt: saga.stepAttempts, deadline: saga.stepDeadlineAt }, now);
  }

  private async sendRefundPayment(manager: EntityManager, saga: SagaInstance, reason: string, origin: MessageOrigin, now: Date): Promise<void> {
    const command = await this.payment.refundPayment(manager, saga.orderId, reason, origin);
    await this.record(manager, saga, 'compensation', 'RefundPayment', command, { reason, attempt: saga.stepAttempts, deadline: saga.stepDeadlineAt }, now);
  }

  // ── outcomes ────────────────────────────────────────────────────────────────────────────────────

  private async confirmOrder(manager: EntityManager, saga: SagaInstance, origin: MessageOrigin, now: Date): Promise<void> {
    await manager.query(`UPDATE customer_order SET status = 'confirmed', updated_at = now() WHERE order_id = $1`, [saga.orderId]);
    const order = await findOrderOrFail(manager, { orderId: saga.orderId });
    await this.outbox.append(
      manager,
      ORDER_CREATED,
      {
        orderId: order.orderId,
        clientId: order.clientId,
        customerId: order.customerId,
        status: 'confirmed',
        totalCents: order.totalCents ?? 0,
        currency: order.currency,
        items: order.lines.map((line) => ({ productId: line.productId, quantity: line.quantity, unitPriceCents: line.unitPriceCents ?? 0 })),
        createdAt: order.createdAt.toISOString(),
      },
      origin,
      now,
    );
    await this.announceStatusChange(manager, order, 'confirmed', origin, now);
    await this.record(manager, saga, 'outcome', 'OrderConfirmed', null, null, now);
  }

  private async cancelOrder(manager: EntityManager, saga: SagaInstance, failureCode: string, detail: unknown, origin: MessageOrigin, now: Date): Promise<void> {
    await manager.update(Order, { orderId: saga.orderId }, { status: 'cancelled', failureCode, failureDetail: detail as object });
    const order = await findOrderOrFail(manager, { orderId: saga.orderId });
    await this.outbox.append(
      manager,
      ORDER_CANCELLED,
      { orderId: order.orderId, clientId: order.clientId, customerId: order.customerId, previousStatus: 'pending', reason: failureCode, cancelledAt: now.toISOString() },
      origin,
      now,
    );
    await this.announceStatusChange(manager, order, 'cancelled', origin, now);
    await this.record(manager, saga, 'outcome', 'OrderCancelled', null, { failureCode, reason: saga.failureReason }, now);
  }

  private async announceStatusChange(manager: EntityManager, order: Order, currentStatus: 'confirmed' | 'cancelled', origin: MessageOrigin, now: Date): Promise<void> {
    await this.outbox.append(
      manager,
      ORDER_UPDATED,
      { orderId: order.orderId, clientId: order.clientId, previousStatus: 'pending', currentStatus, updatedAt: now.toISOString() },
      origin,
      now,
    );
    // Wakes the HTTP request waiting for this order, on whichever replica it is; sent on commit.
    await manager.query('SELECT pg_notify($1, $2)', [ORDER_OUTCOME_CHANNEL, order.orderId]);
  }

  // ── bookkeeping ─────────────────────────────────────────────────────────────────────────────────

  /** Locks the saga row for this reply's transaction, so two messages of one saga never interleave. */
  private async lock(manager: EntityManager, reply: MessageEnvelope): Promise<SagaInstance | null> {
    const saga = await manager.findOne(SagaInstance, { where: { orderId: reply.correlationId }, lock: { mode: 'pessimistic_write' } });
    if (!saga) this.logger.warn({ order_id: reply.correlationId, message_type: reply.type }, 'reply for an unknown saga ignored');
    return saga;
  }

  /** A reply that does not fit the saga's state (a duplicate under a new id, or moot): on the timeline, no effect. */
  private async ignore(manager: EntityManager, saga: SagaInstance, reply: MessageEnvelope, now: Date): Promise<void> {
    this.logger.warn({ order_id: saga.orderId, message_type: reply.type, state: saga.state }, 'reply does not fit the saga state; ignored');
    await this.record(manager, saga, 'late-reply', `${reply.type} (ignored)`, reply, { state: saga.state }, now);
  }

  private async transition(manager: EntityManager, saga: SagaInstance, state: PlaceOrderSagaState, deadline: Date | null, changes: Partial<SagaInstance> = {}): Promise<void> {
    const previous = saga.state;
    Object.assign(saga, changes, { state, stepDeadlineAt: deadline });
    // Writes back every column a step may change, by key. Plain SQL: the saga's writes are most of
    // order-service's statements, and TypeORM's query building cost more CPU than the statement itself.
    await manager.query(
      `UPDATE saga_instance
          SET state = $2, reservation_id = $3, payment_id = $4, step_deadline_at = $5, step_attempts = $6,
              failure_reason = $7, stock_released = $8, version = version + 1, updated_at = now()
        WHERE saga_id = $1`,
      [saga.sagaId, state, saga.reservationId, saga.paymentId, saga.stepDeadlineAt, saga.stepAttempts, saga.failureReason, saga.stockReleased],
    );
    // Counted when written, not after commit: a transaction that rolls back and is retried counts twice (rare; see docs/observability.md).
    const outcome = SAGA_OUTCOMES[state];
    if (outcome && state !== previous) recordSagaOutcome(outcome, saga.createdAt);
  }

  private stepDeadline(now: Date): Date {
    return new Date(now.getTime() + this.config.SAGA_STEP_TIMEOUT_MS);
  }

  /** Re-sends back off exponentially from SAGA_COMPENSATION_RETRY_MS, capped, never stopping. */
  private compensationDeadline(now: Date, attempt: number): Date {
    const pause = Math.min(this.config.SAGA_COMPENSATION_RETRY_MS * 2 ** Math.min(attempt - 1, 10), Math.max(MAX_COMPENSATION_RETRY_MS, this.config.SAGA_COMPENSATION_RETRY_MS));
    return new Date(now.getTime() + pause);
  }

  private async applyCatalogPrices(manager: EntityManager, order: Order, priced: StockReservedReply['items']): Promise<void> {
    const priceOf = new Map(priced.map((item) => [item.productId, item.unitPriceCents]));
    for (const line of order.lines) {
      await manager.query(`UPDATE order_line SET unit_price_cents = $3 WHERE order_id = $1 AND line_no = $2`, [order.orderId, line.lineNo, priceOf.get(line.productId) ?? null]);
    }
  }

  private async record(
    manager: EntityManager,
    saga: SagaInstance,
    kind: SagaStepKind,
    name: string,
    message: MessageEnvelope | null,
    detail: unknown,
    now: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO saga_step (saga_id, order_id, kind, name, message_id, detail, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [saga.sagaId, saga.orderId, kind, name, message?.messageId ?? null, detail == null ? null : JSON.stringify(detail), now],
    );
  }
}
