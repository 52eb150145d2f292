import type { OrderResponseDto } from '@order-saga/contracts/http';
import { Order } from './order.entity';

/** The public contract's order (libs/contracts/src/http/orders). Money leaves the service as decimal units of the currency. */

export function toOrderResponse(order: Order, publicBaseUrl: string): OrderResponseDto {
  return {
    order_id: order.orderId,
    status: order.status,
    customer_id: order.customerId,
    total_amount: order.totalCents === null ? null : order.totalCents / 100,
    currency: order.currency,
    items: [...order.lines]
      .sort((a, b) => a.lineNo - b.lineNo)
      .map((line) => ({ product_id: line.productId, quantity: line.quantity, unit_price: line.unitPriceCents === null ? null : line.unitPriceCents / 100 })),
    created_at: order.createdAt.toISOString(),
    estimated_delivery: order.estimatedDelivery.toISOString(),
    tracking_url: orderUrl(publicBaseUrl, order.orderId, '/track'),
  };
}

export function orderUrl(publicBaseUrl: string, orderId: string, suffix = ''): string {
  return `${publicBaseUrl.replace(/\/$/, '')}/api/v1/orders/${orderId}${suffix}`;
}
