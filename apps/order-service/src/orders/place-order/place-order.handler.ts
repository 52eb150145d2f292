import { Injectable } from '@nestjs/common';
import type { PlaceOrderRequestDto } from '@order-saga/contracts/http';
import { DomainError } from '@order-saga/shared/http';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { RequestMeta } from '../../common/client-id.decorator';
import { OrderServiceConfig } from '../../config/order-service.config';
import { IDEMPOTENCY_KEY_TTL_MS, judgeIdempotencyKey, requestFingerprint } from '../domain/idempotency';
import { newOrderId } from '../domain/order-id';
import { orderFailureError, storedFailure } from '../domain/order-failure';
import { OrderLine } from '../order-line.entity';
import { Order } from '../order.entity';
import { findOrder, findOrderOrFail } from '../order.queries';
import { OrderOutcomeWaiter, SettledOrder } from './order-outcome.waiter';
import type { InsertOutcome, NewOrder } from './place-order-saga.repository';
import { PlaceOrderSagaHandler } from './place-order-saga.handler';

export type PlaceOrderResult =
  /** The saga confirmed the order within the wait budget. */
  | { outcome: 'confirmed'; order: Order }
  /** The saga is still running; the client polls the order. */
  | { outcome: 'accepted'; order: Order }
  /** The idempotency key was seen before: this is that order. */
  | { outcome: 'replayed'; order: Order };

const DAY_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class PlaceOrderHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly saga: PlaceOrderSagaHandler,
    private readonly waiter: OrderOutcomeWaiter,
    private readonly config: OrderServiceConfig,
    private readonly logger: PinoLogger,
  ) {}

  /**
   * One statement when all goes well: the order, its lines, its saga and ReserveStock in one autocommit
   * INSERT. A key already taken inserts nothing; the request is then judged against the order that has it.
   */
  async handle(clientId: string, request: PlaceOrderRequestDto, meta: RequestMeta, now = new Date()): Promise<PlaceOrderResult> {
    const key = meta.idempotencyKey ? { key: meta.idempotencyKey, fingerprint: requestFingerprint(request) } : null;
    const order: NewOrder = {
      orderId: newOrderId(),
      clientId,
      customerId: request.customer_id,
      shippingAddress: request.shipping_address ? { ...request.shipping_address } : null,
      idempotencyKey: key?.key ?? null,
      idempotencyRequestHash: key?.fingerprint ?? null,
      estimatedDelivery: new Date(now.getTime() + this.config.ESTIMATED_DELIVERY_DAYS * DAY_MS),
      lines: request.items.map((item) => ({
        productId: item.product_id,
        quantity: item.quantity,
        requestedUnitPriceCents: item.unit_price === undefined ? null : Math.round(item.unit_price * 100),
      })),
    };
    const origin = { correlationId: order.orderId, causationId: null, requestId: meta.requestId, traceparent: meta.traceparent };
    const settled = this.waiter.expect(order.orderId);
    let inserted: InsertOutcome | undefined;
    try {
      inserted = await this.saga.start(this.dataSource.manager, order, origin, now);
      if (key && inserted !== 'placed') {
        // The key's earlier order answers this request, unless the key has expired: then it is let go
        // (only if still expired, so of two requests racing for it one takes it) and the insert tried again.
        const answer = await this.answerForKey(clientId, key.key, key.fingerprint, now);
        if (answer) return answer;
        await this.dataSource.query(`UPDATE customer_order SET idempotency_key = NULL WHERE client_id = $1 AND idempotency_key = $2 AND created_at <= $3`, [
          clientId,
          key.key,
          new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS),
        ]);
        inserted = await this.saga.start(this.dataSource.manager, order, origin, now);
        if (inserted === 'key-taken') {
          const winner = await this.answerForKey(clientId, key.key, key.fingerprint, now);
          if (winner) return winner;
          throw new DomainError('CONFLICT', 'The idempotency key is being taken over by another request; retry', [
            { field: 'X-Idempotency-Key', error: 'A request with this key is in flight' },
          ]);
        }
      }
      if (inserted === 'unknown-customer') {
        throw new DomainError('INVALID_CUSTOMER', 'Customer ID not found or inactive', [{ field: 'customer_id', error: 'Unknown or inactive customer' }]);
      }
    } finally {
      if (inserted !== 'placed') this.waiter.forget(order.orderId);
    }
    this.logger.info({ order_id: order.orderId, request_id: meta.requestId }, 'order placed; saga started');

    const outcome = await settled;
    const answer = outcome?.lines ? settledOrder(order, outcome, now) : await findOrderOrFail(this.dataSource.manager, { orderId: order.orderId });
    return this.settle(answer, 'confirmed');
  }

  /** The answer to a request whose key names an earlier order; null when there is none or it has expired. */
  private async answerForKey(clientId: string, idempotencyKey: string, fingerprint: string, now: Date): Promise<PlaceOrderResult | null> {
    const previous = await findOrder(this.dataSource.manager, { clientId, idempotencyKey });
    return previous && this.judgeKey(previous, fingerprint, now);
  }

  /** The answer to a request whose key names `previous`; null when that key has expired. */
  private judgeKey(previous: Order, fingerprint: string, now: Date): PlaceOrderResult | null {
    const verdict = judgeIdempotencyKey(previous, fingerprint, now);
    const extra = { existing_order_id: previous.orderId };
    switch (verdict) {
      case 'expired':
        return null;
      case 'mismatch':
        throw new DomainError(
          'DUPLICATE_ORDER',
          'Order with this idempotency key already exists',
          [{ field: 'X-Idempotency-Key', error: `Already used for order ${previous.orderId} with a different request body` }],
          extra,
        );
      case 'in-flight':
        throw new DomainError(
          'CONFLICT',
          `Order ${previous.orderId} with this idempotency key is still being processed; retry later or poll the order`,
          [{ field: 'X-Idempotency-Key', error: 'A request with this key is in flight' }],
          extra,
        );
      case 'replay':
        return this.settle(previous, 'replayed');
    }
  }

  /** Turns an order's current state into the answer: the order, or the error it failed with. */
  private settle(order: Order, whenConfirmed: 'confirmed' | 'replayed'): PlaceOrderResult {
    if (order.status === 'confirmed') return { outcome: whenConfirmed, order };
    if (order.status === 'pending') return { outcome: 'accepted', order };
    throw failureOf(order);
  }
}

/** The spec's error for a cancelled order, naming the failing lines where there are some. */
export function failureOf(order: Order): DomainError {
  return orderFailureError(order.orderId, storedFailure(order.failureCode, order.failureDetail), order.lines);
}

/** The order as the saga's settling transaction wrote it (the request's own order, so nothing else changed it). */
function settledOrder(order: NewOrder, settled: SettledOrder, now: Date): Order {
  const prices = settled.lines ?? [];
  return Object.assign(new Order(), {
    orderId: order.orderId,
    clientId: order.clientId,
    customerId: order.customerId,
    status: settled.status,
    totalCents: settled.totalCents,
    currency: 'USD' as const,
    shippingAddress: order.shippingAddress,
    idempotencyKey: order.idempotencyKey,
    idempotencyRequestHash: order.idempotencyRequestHash,
    failureCode: settled.failure?.code ?? null,
    failureDetail: settled.failure?.details ?? null,
    createdAt: now,
    estimatedDelivery: order.estimatedDelivery,
    lines: order.lines.map((line, lineNo) =>
      Object.assign(new OrderLine(), {
        orderId: order.orderId,
        lineNo,
        productId: line.productId,
        quantity: line.quantity,
        unitPriceCents: prices[lineNo]?.unitPriceCents ?? null,
        requestedUnitPriceCents: line.requestedUnitPriceCents,
      }),
    ),
  });
}
