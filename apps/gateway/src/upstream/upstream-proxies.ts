import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway.config';
import { ForwardedContext, pathSegment, UpstreamReply, UpstreamServiceProxy } from './upstream-service.proxy';

/** order-service: orders, their saga timelines, customers. */
@Injectable()
export class OrderServiceProxy extends UpstreamServiceProxy {
  constructor(config: GatewayConfig) {
    super('order service', config.ORDER_SERVICE_URL, config.UPSTREAM_TIMEOUT_MS);
  }

  placeOrder(order: unknown, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('POST', '/orders', context, { body: order });
  }

  getOrder(orderId: string, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('GET', `/orders/${pathSegment(orderId, 'Order')}`, context);
  }

  trackOrder(orderId: string, context: ForwardedContext): Promise<UpstreamReply> {
    return this.send('GET', `/orders/${pathSegment(orderId, 'Order')}/track`, context);
  }
}

/** inventory-service: products, prices and stock. */
@Injectable()
export class InventoryServiceProxy extends UpstreamServiceProxy {
  constructor(config: GatewayConfig) {
    super('inventory service', config.INVENTORY_SERVICE_URL, config.UPSTREAM_TIMEOUT_MS);
  }
}

/** notification-service: webhook endpoints and deliveries. */
@Injectable()
export class NotificationServiceProxy extends UpstreamServiceProxy {
  constructor(config: GatewayConfig) {
    super('notification service', config.NOTIFICATION_SERVICE_URL, config.UPSTREAM_TIMEOUT_MS);
  }
}
