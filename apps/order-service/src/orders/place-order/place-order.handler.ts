import { Injectable } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { PinoLogger } from 'nestjs-pino';
import { DataSource, QueryFailedError } from 'typeorm';
import { RequestMeta } from '../../common/client-id.decorator';
import { OrderServiceConfig } from '../../config/order-service.config';
import { IDEMPOTENCY_KEY_TTL_MS, judgeIdempotencyKey, requestFingerprint } from '../domain/idempotency';
import { newOrderId } from '../domain/order-id';
import { orderFailureError, storedFailure } from '../domain/order-failure';
import { Order } from '../order.entity';
import { findOrder, findOrderOrFail } from '../order.queries';
import { OrderOutcomeWaiter } from './order-outcome.waiter';
import { PlaceOrderRequestDto } from './place-order.request.dto';
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

  async handle(clientId: string, request: PlaceOrderRequestDto, meta: RequestMeta, now = new Date()): Promise<PlaceOrderResult> {
    const fingerprint = requestFingerprint(request);
    if (meta.idempotencyKey) {
      const previous = await this.findByIdempotencyKey(clientId, meta.idempotencyKey);
      const answer = previous && this.answerForKey(previous, fingerprint, now);
      if (answer) return answer;
    }
    const orderId = newOrderId();
    const outcome = this.waiter.expect(orderId);
    try {
      await this.dataSource.transaction(async (manager) => {
        if (meta.idempotencyKey) {
          // A key older than its TTL is let go here, in the transaction that takes it over, so the unique
          // index (client_id, idempotency_key) keeps deciding races: of two requests only one inserts.
          await manager.query(
            `UPDATE customer_order SET idempotency_key = NULL WHERE client_id = $1 AND idempotency_key = $2 AND created_at <= $3`,
            [clientId, meta.idempotencyKey, new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS)],
          );
        }
        const placed = await this.saga.start(
          manager,
          {
            orderId,
            clientId,
            customerId: request.customer_id,
            shippingAddress: request.shipping_address ? { ...request.shipping_address } : null,
            idempotencyKey: meta.idempotencyKey,
            idempotencyRequestHash: meta.idempotencyKey ? fingerprint : null,
            estimatedDelivery: new Date(now.getTime() + this.config.ESTIMATED_DELIVERY_DAYS * DAY_MS),
            lines: request.items.map((item) => ({
              productId: item.product_id,
              quantity: item.quantity,
              requestedUnitPriceCents: item.unit_price === undefined ? null : Math.round(item.unit_price * 100),
            })),
          },
          { correlationId: orderId, causationId: null, requestId: meta.requestId, traceparent: meta.traceparent },
          now,
        );
        if (!placed) {
          throw new DomainError('INVALID_CUSTOMER', 'Customer ID not found or inactive', [{ field: 'customer_id', error: 'Unknown or inactive customer' }]);
        }
      });
    } catch (error) {
      await outcome(0); // nothing to wait for; unregisters the waiter
      // Two requests with one idempotency key raced and the other one inserted first: this one is
      // judged against the winner's order like any later request (usually: still in flight).
      if (meta.idempotencyKey && isUniqueViolation(error)) {
        const winner = await this.findByIdempotencyKey(clientId, meta.idempotencyKey);
        const answer = winner && this.answerForKey(winner, fingerprint, now);
        if (answer) return answer;
      }
      throw error;
    }
    this.logger.info({ order_id: orderId, request_id: meta.requestId }, 'order placed; saga started');

    await outcome(this.config.ORDER_OUTCOME_WAIT_MS);
    const order = await findOrderOrFail(this.dataSource.manager, { orderId });
    return this.settle(order, 'confirmed');
  }

  /** The answer to a request whose key names an earlier order; null when that key has expired. */
  private answerForKey(previous: Order, fingerprint: string, now: Date): PlaceOrderResult | null {
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

  private findByIdempotencyKey(clientId: string, idempotencyKey: string): Promise<Order | null> {
    return findOrder(this.dataSource.manager, { clientId, idempotencyKey });
  }
}

/** The spec's error for a cancelled order, naming the failing lines where there are some. */
export function failureOf(order: Order): DomainError {
  return orderFailureError(order.orderId, storedFailure(order.failureCode, order.failureDetail), order.lines);
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}
