import { Injectable } from '@nestjs/common';
import { DomainError, ErrorDetail } from '@order-saga/shared/http';
import { PinoLogger } from 'nestjs-pino';
import { DataSource, QueryFailedError } from 'typeorm';
import { RequestMeta } from '../../common/client-id.decorator';
import { OrderServiceConfig } from '../../config/order-service.config';
import { Customer } from '../../customers/customer.entity';
import { newOrderId } from '../domain/order-id';
import { Order } from '../order.entity';
import { OrderOutcomeWaiter } from './order-outcome.waiter';
import { PlaceOrderRequestDto } from './place-order.request.dto';
import { PlaceOrderSaga } from './place-order.saga';

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
    private readonly saga: PlaceOrderSaga,
    private readonly waiter: OrderOutcomeWaiter,
    private readonly config: OrderServiceConfig,
    private readonly logger: PinoLogger,
  ) {}

  async handle(clientId: string, request: PlaceOrderRequestDto, meta: RequestMeta, now = new Date()): Promise<PlaceOrderResult> {
    if (meta.idempotencyKey) {
      const previous = await this.findByIdempotencyKey(clientId, meta.idempotencyKey);
      if (previous) return this.replay(previous);
    }
    const customer = await this.dataSource.getRepository(Customer).findOneBy({ clientId, customerId: request.customer_id });
    if (!customer || customer.status !== 'active') {
      throw new DomainError('INVALID_CUSTOMER', 'Customer ID not found or inactive', [{ field: 'customer_id', error: 'Unknown or inactive customer' }]);
    }

    const orderId = newOrderId();
    const outcome = this.waiter.expect(orderId);
    try {
      await this.dataSource.transaction(async (manager) => {
        const order = manager.create(Order, {
          orderId,
          clientId,
          customerId: customer.customerId,
          status: 'pending',
          totalCents: null,
          currency: 'USD',
          shippingAddress: request.shipping_address ? { ...request.shipping_address } : null,
          idempotencyKey: meta.idempotencyKey,
          failureCode: null,
          failureDetail: null,
          estimatedDelivery: new Date(now.getTime() + this.config.ESTIMATED_DELIVERY_DAYS * DAY_MS),
          lines: request.items.map((item, index) => ({ orderId, lineNo: index, productId: item.product_id, quantity: item.quantity, unitPriceCents: null })),
        });
        await manager.save(order);
        await this.saga.start(manager, order, { correlationId: orderId, causationId: null, requestId: meta.requestId, traceparent: meta.traceparent }, now);
      });
    } catch (error) {
      // Two requests with one idempotency key raced; the loser answers with the winner's order.
      if (meta.idempotencyKey && isUniqueViolation(error)) {
        const winner = await this.findByIdempotencyKey(clientId, meta.idempotencyKey);
        if (winner) return this.replay(winner);
      }
      throw error;
    }
    this.logger.info({ order_id: orderId, request_id: meta.requestId }, 'order placed; saga started');

    await outcome(this.config.ORDER_OUTCOME_WAIT_MS);
    const order = await this.dataSource.getRepository(Order).findOneByOrFail({ orderId });
    return this.settle(order, 'confirmed');
  }

  private replay(order: Order): PlaceOrderResult {
    return this.settle(order, 'replayed');
  }

  /** Turns an order's current state into the answer: the order, or the error it failed with. */
  private settle(order: Order, whenConfirmed: 'confirmed' | 'replayed'): PlaceOrderResult {
    if (order.status === 'confirmed') return { outcome: whenConfirmed, order };
    if (order.status === 'pending') return { outcome: 'accepted', order };
    throw failureOf(order);
  }

  private findByIdempotencyKey(clientId: string, idempotencyKey: string): Promise<Order | null> {
    return this.dataSource.getRepository(Order).findOneBy({ clientId, idempotencyKey });
  }
}

interface ShortageDetail {
  shortages?: { productId: string; requested: number; available: number }[];
  reason?: string;
}

/** The spec's error for a cancelled order, naming the failing lines where there are some. */
export function failureOf(order: Order): DomainError {
  const extra = { order_id: order.orderId };
  if (order.failureCode === 'INSUFFICIENT_INVENTORY') {
    const detail = (order.failureDetail ?? {}) as ShortageDetail;
    const details: ErrorDetail[] = (detail.shortages ?? []).flatMap((shortage) =>
      order.lines
        .filter((line) => line.productId === shortage.productId)
        .map((line) => ({
          field: `items[${line.lineNo}].quantity`,
          error: detail.reason === 'UNKNOWN_PRODUCT' ? `Product ${shortage.productId} does not exist` : `Only ${shortage.available} of ${shortage.productId} available`,
        })),
    );
    return new DomainError('INSUFFICIENT_INVENTORY', 'Not enough stock to fulfil the order; nothing was reserved', details, extra);
  }
  if (order.failureCode === 'PAYMENT_FAILED') {
    const detail = (order.failureDetail ?? {}) as { declineCode?: string; message?: string };
    return new DomainError('PAYMENT_FAILED', `Payment was declined${detail.message ? `: ${detail.message}` : ''}; the stock reservation was released`, [], {
      ...extra,
      decline_code: detail.declineCode,
    });
  }
  return new DomainError('CONFLICT', `Order ${order.orderId} was cancelled`, [], extra);
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}
