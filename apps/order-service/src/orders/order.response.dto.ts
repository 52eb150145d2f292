import { Order } from './order.entity';

/** The spec's order representation. Money leaves the service as decimal units of the currency. */
export interface OrderResponseDto {
  order_id: string;
  status: string;
  customer_id: string;
  total_amount: number | null;
  currency: string;
  items: { product_id: string; quantity: number; unit_price: number | null }[];
  created_at: string;
  estimated_delivery: string;
  tracking_url: string;
}

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
