import { Injectable } from '@nestjs/common';
import { JsonBodyReader } from '@order-saga/shared/http';
import { PinoLogger } from 'nestjs-pino';
import { GatewayConfig } from '../config/gateway.config';
import { InFlightLimit } from './in-flight-limit';
import { UpstreamMetrics } from './upstream.metrics';
import { ClientJsonBody, ForwardedContext, pathSegment, UpstreamReply, UpstreamRequest, UpstreamServiceProxy } from './upstream-service.proxy';

type UpstreamQuery = NonNullable<UpstreamRequest['query']>;

/**
 * order-service: orders, their saga timelines, customers, and the operators' sagas. Placing an order holds the call for the
 * saga's outcome (up to order-service's ORDER_OUTCOME_WAIT_MS), so placements have a limit of their
 * own: a saga backlog sheds new orders but never the reads clients poll a pending order with.
 */
@Injectable()
export class OrderServiceProxy extends UpstreamServiceProxy {
  private readonly placements: InFlightLimit;

  constructor(config: GatewayConfig, bodyReader: JsonBodyReader, metrics: UpstreamMetrics, logger: PinoLogger) {
    const placements = new InFlightLimit('orders-write', config.UPSTREAM_MAX_IN_FLIGHT_ORDERS_WRITE, metrics);
    super(
      'order service',
      config.ORDER_SERVICE_URL,
      config.UPSTREAM_TIMEOUT_MS,
      new InFlightLimit('order-service', config.UPSTREAM_MAX_IN_FLIGHT_PER_SERVICE, metrics),
      bodyReader,
      logger,
      [placements],
    );
    this.placements = placements;
  }

  placeOrder(order: ClientJsonBody, context: ForwardedContext): Promise<UpstreamReply> {
    return this.sendWithin(this.placements, 'POST', '/orders', context, { body: order });
  }

  getOrder(orderId: string, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('GET', `/orders/${pathSegment(orderId, 'Order')}`, context);
  }

  trackOrder(orderId: string, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('GET', `/orders/${pathSegment(orderId, 'Order')}/track`, context);
  }

  listOrders(query: UpstreamQuery, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('GET', '/orders', context, { query });
  }

  searchOrders(query: UpstreamQuery, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('GET', '/search', context, { query });
  }

  createCustomer(customer: ClientJsonBody, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('POST', '/customers', context, { body: customer });
  }

  getCustomer(customerId: string, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('GET', `/customers/${pathSegment(customerId, 'Customer')}`, context);
  }

  listCustomers(query: UpstreamQuery, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('GET', '/customers', context, { query });
  }

  deactivateCustomer(customerId: string, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('POST', `/customers/${pathSegment(customerId, 'Customer')}/deactivate`, context);
  }

  /** Operators: every client's sagas, filtered (order-service validates the filters). */
  listSagas(query: UpstreamQuery, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('GET', '/sagas', context, { query });
  }

  /** Operators: the console overview's figures over the last `minutes` (order-service validates the query). */
  sagaFigures(query: UpstreamQuery, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('GET', '/sagas/figures', context, { query });
  }

  getSaga(orderId: string, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('GET', `/sagas/${pathSegment(orderId, 'Order')}`, context);
  }

  /** Operators: retry the saga's current step, or cancel it with compensation; `{action_id, reason}` relayed as sent. */
  operateSaga(orderId: string, action: 'retry' | 'cancel', body: ClientJsonBody, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('POST', `/sagas/${pathSegment(orderId, 'Order')}/${action}`, context, { body });
  }
}

/** inventory-service: products, prices and stock. */
@Injectable()
export class InventoryServiceProxy extends UpstreamServiceProxy {
  constructor(config: GatewayConfig, bodyReader: JsonBodyReader, metrics: UpstreamMetrics, logger: PinoLogger) {
    super(
      'inventory service',
      config.INVENTORY_SERVICE_URL,
      config.UPSTREAM_TIMEOUT_MS,
      new InFlightLimit('inventory-service', config.UPSTREAM_MAX_IN_FLIGHT_PER_SERVICE, metrics),
      bodyReader,
      logger,
    );
  }

  listProducts(query: UpstreamQuery, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('GET', '/products', context, { query });
  }

  getProduct(productId: string, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('GET', `/products/${pathSegment(productId, 'Product')}`, context);
  }

  upsertProduct(productId: string, product: ClientJsonBody, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('PUT', `/products/${pathSegment(productId, 'Product')}`, context, { body: product });
  }

  adjustStock(productId: string, adjustment: ClientJsonBody, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('POST', `/products/${pathSegment(productId, 'Product')}/stock-adjustments`, context, { body: adjustment });
  }
}

/** notification-service: webhook endpoints and deliveries, and the operators' view of every client's. */
@Injectable()
export class NotificationServiceProxy extends UpstreamServiceProxy {
  constructor(config: GatewayConfig, bodyReader: JsonBodyReader, metrics: UpstreamMetrics, logger: PinoLogger) {
    super(
      'notification service',
      config.NOTIFICATION_SERVICE_URL,
      config.UPSTREAM_TIMEOUT_MS,
      new InFlightLimit('notification-service', config.UPSTREAM_MAX_IN_FLIGHT_PER_SERVICE, metrics),
      bodyReader,
      logger,
    );
  }
}

/** payment-service: nothing of the public API; operators reach its dead letters. */
@Injectable()
export class PaymentServiceProxy extends UpstreamServiceProxy {
  constructor(config: GatewayConfig, bodyReader: JsonBodyReader, metrics: UpstreamMetrics, logger: PinoLogger) {
    super(
      'payment service',
      config.PAYMENT_SERVICE_URL,
      config.UPSTREAM_TIMEOUT_MS,
      new InFlightLimit('payment-service', config.UPSTREAM_MAX_IN_FLIGHT_PER_SERVICE, metrics),
      bodyReader,
      logger,
    );
  }
}
