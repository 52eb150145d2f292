import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  MessageEnvelope,
  MessageOrigin,
  ORDER_CANCELLED,
  ORDER_CREATED,
  ORDER_UPDATED,
  PaymentDeclinedReply,
  PaymentSucceededReply,
  StockReleasedReply,
  StockReservationRejectedReply,
  StockReservedReply,
} from '@order-saga/contracts';
import { Outbox, originOf } from '@order-saga/shared/messaging';
import { PinoLogger } from 'nestjs-pino';
import { EntityManager } from 'typeorm';
import { OrderLine } from '../order-line.entity';
import { Order } from '../order.entity';
import { InventoryProxy } from './inventory.proxy';
import { ORDER_OUTCOME_CHANNEL } from './order-outcome.waiter';
import { PaymentProxy } from './payment.proxy';
import { PlaceOrderSagaState, SagaInstance } from './saga-instance.entity';
import { SagaStep, SagaStepKind } from './saga-step.entity';

/**
 * The PlaceOrder saga, orchestrated by order-service. Read top to bottom:
 *
 *   step 1  RESERVING_STOCK     → inventory.ReserveStock
 *             StockReserved            → step 2
 *             StockReservationRejected → REJECTED   (order cancelled, INSUFFICIENT_INVENTORY; nothing to undo)
 *   step 2  PROCESSING_PAYMENT  → payment.ProcessPayment
 *             PaymentSucceeded         → CONFIRMED  (order confirmed, OrderCreated published)
 *             PaymentDeclined          → compensate step 1
 *   comp.   RELEASING_STOCK     → inventory.ReleaseStock
 *             StockReleased            → COMPENSATED (order cancelled, PAYMENT_FAILED)
 *
 * Every transition runs in the transaction of the reply that caused it (see MessageProcessor): the
 * saga row, the order, the timeline and the next command commit together or not at all. A reply that
 * does not fit the current state (late, duplicated under a new id) is recorded and ignored.
 */
@Injectable()
export class PlaceOrderSaga {
  constructor(
    private readonly inventory: InventoryProxy,
    private readonly payment: PaymentProxy,
    private readonly outbox: Outbox,
    private readonly logger: PinoLogger,
  ) {}

  /** Starts the saga for a freshly inserted pending order, in the caller's transaction. */
  async start(manager: EntityManager, order: Order, origin: MessageOrigin, now = new Date()): Promise<void> {
    const saga = manager.create(SagaInstance, {
      sagaId: randomUUID(),
      orderId: order.orderId,
      sagaType: 'PlaceOrder',
      state: 'RESERVING_STOCK',
      reservationId: null,
      paymentId: null,
    });
    await manager.save(saga);
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
    await this.record(manager, saga, 'command', 'ReserveStock', command, { items: order.lines.length }, now);
  }

  // ── step 1 replies ──────────────────────────────────────────────────────────────────────────────

  async onStockReserved(manager: EntityManager, reply: MessageEnvelope<StockReservedReply>, now = new Date()): Promise<void> {
    const saga = await this.load(manager, reply, 'RESERVING_STOCK', now);
    if (!saga) return;
    const { reservationId, items, totalCents } = reply.payload;
    await this.record(manager, saga, 'reply', 'StockReserved', reply, { reservationId, totalCents }, now);

    const order = await manager.findOneOrFail(Order, { where: { orderId: saga.orderId } });
    await this.applyCatalogPrices(manager, order, items);
    await manager.update(Order, { orderId: order.orderId }, { totalCents });

    await this.transition(manager, saga, 'PROCESSING_PAYMENT', { reservationId });
    const command = await this.payment.processPayment(
      manager,
      { orderId: order.orderId, customerId: order.customerId, amountCents: totalCents },
      originOf(reply),
    );
    await this.record(manager, saga, 'command', 'ProcessPayment', command, { amountCents: totalCents }, now);
  }

  async onStockReservationRejected(manager: EntityManager, reply: MessageEnvelope<StockReservationRejectedReply>, now = new Date()): Promise<void> {
    const saga = await this.load(manager, reply, 'RESERVING_STOCK', now);
    if (!saga) return;
    const { reason, shortages, priceMismatches } = reply.payload;
    await this.record(manager, saga, 'reply', 'StockReservationRejected', reply, { reason, shortages, priceMismatches }, now);
    await this.transition(manager, saga, 'REJECTED');
    // A price the catalog does not confirm is the client's mistake (400), not a stock problem.
    const failureCode = reason === 'PRICE_MISMATCH' ? 'VALIDATION_ERROR' : 'INSUFFICIENT_INVENTORY';
    await this.cancelOrder(manager, saga, failureCode, { reason, shortages, priceMismatches }, originOf(reply), now);
  }

  // ── step 2 replies ──────────────────────────────────────────────────────────────────────────────

  async onPaymentSucceeded(manager: EntityManager, reply: MessageEnvelope<PaymentSucceededReply>, now = new Date()): Promise<void> {
    const saga = await this.load(manager, reply, 'PROCESSING_PAYMENT', now);
    if (!saga) return;
    const { paymentId, amountCents } = reply.payload;
    await this.record(manager, saga, 'reply', 'PaymentSucceeded', reply, { paymentId, amountCents }, now);
    await this.transition(manager, saga, 'CONFIRMED', { paymentId });
    await this.confirmOrder(manager, saga, originOf(reply), now);
  }

  async onPaymentDeclined(manager: EntityManager, reply: MessageEnvelope<PaymentDeclinedReply>, now = new Date()): Promise<void> {
    const saga = await this.load(manager, reply, 'PROCESSING_PAYMENT', now);
    if (!saga) return;
    const { paymentId, declineCode, message } = reply.payload;
    await this.record(manager, saga, 'reply', 'PaymentDeclined', reply, { paymentId, declineCode, message }, now);
    await manager.update(Order, { orderId: saga.orderId }, { failureCode: 'PAYMENT_FAILED', failureDetail: { declineCode, message } });

    // Compensate step 1: the order must not keep stock it will never pay for.
    await this.transition(manager, saga, 'RELEASING_STOCK', { paymentId });
    const command = await this.inventory.releaseStock(manager, saga.orderId, saga.reservationId!, `payment declined: ${declineCode}`, originOf(reply));
    await this.record(manager, saga, 'compensation', 'ReleaseStock', command, { reservationId: saga.reservationId }, now);
  }

  // ── compensation replies ────────────────────────────────────────────────────────────────────────

  async onStockReleased(manager: EntityManager, reply: MessageEnvelope<StockReleasedReply>, now = new Date()): Promise<void> {
    const saga = await this.load(manager, reply, 'RELEASING_STOCK', now);
    if (!saga) return;
    await this.record(manager, saga, 'reply', 'StockReleased', reply, { reservationId: reply.payload.reservationId }, now);
    await this.transition(manager, saga, 'COMPENSATED');
    const order = await manager.findOneOrFail(Order, { where: { orderId: saga.orderId } });
    await this.cancelOrder(manager, saga, 'PAYMENT_FAILED', order.failureDetail, originOf(reply), now);
  }

  // ── outcomes ────────────────────────────────────────────────────────────────────────────────────

  private async confirmOrder(manager: EntityManager, saga: SagaInstance, origin: MessageOrigin, now: Date): Promise<void> {
    await manager.update(Order, { orderId: saga.orderId }, { status: 'confirmed' });
    const order = await manager.findOneOrFail(Order, { where: { orderId: saga.orderId } });
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
    const order = await manager.findOneOrFail(Order, { where: { orderId: saga.orderId } });
    await this.outbox.append(
      manager,
      ORDER_CANCELLED,
      { orderId: order.orderId, clientId: order.clientId, customerId: order.customerId, previousStatus: 'pending', reason: failureCode, cancelledAt: now.toISOString() },
      origin,
      now,
    );
    await this.announceStatusChange(manager, order, 'cancelled', origin, now);
    await this.record(manager, saga, 'outcome', 'OrderCancelled', null, { failureCode }, now);
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

  /**
   * Locks the saga row for this reply's transaction, so two replies of one saga never interleave,
   * and returns it only when the saga is in the state this reply answers.
   */
  private async load(manager: EntityManager, reply: MessageEnvelope, expected: PlaceOrderSagaState, now: Date): Promise<SagaInstance | null> {
    const saga = await manager.findOne(SagaInstance, { where: { orderId: reply.correlationId }, lock: { mode: 'pessimistic_write' } });
    if (!saga) {
      this.logger.warn({ order_id: reply.correlationId, message_type: reply.type }, 'reply for an unknown saga ignored');
      return null;
    }
    if (saga.state !== expected) {
      this.logger.warn({ order_id: saga.orderId, message_type: reply.type, state: saga.state, expected }, 'reply does not fit the saga state; ignored');
      await this.record(manager, saga, 'reply', `${reply.type} (ignored)`, reply, { state: saga.state }, now);
      return null;
    }
    return saga;
  }

  private async transition(manager: EntityManager, saga: SagaInstance, state: PlaceOrderSagaState, changes: Partial<SagaInstance> = {}): Promise<void> {
    Object.assign(saga, changes, { state });
    await manager.save(saga);
  }

  private async applyCatalogPrices(manager: EntityManager, order: Order, priced: StockReservedReply['items']): Promise<void> {
    const priceOf = new Map(priced.map((item) => [item.productId, item.unitPriceCents]));
    for (const line of order.lines) {
      await manager.update(OrderLine, { orderId: order.orderId, lineNo: line.lineNo }, { unitPriceCents: priceOf.get(line.productId) ?? null });
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
    await manager.insert(SagaStep, {
      sagaId: saga.sagaId,
      orderId: saga.orderId,
      kind,
      name,
      messageId: message?.messageId ?? null,
      detail: detail as object,
      occurredAt: now,
    });
  }
}
