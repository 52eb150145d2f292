import { IsIn, IsISO8601 } from 'class-validator';
import { ORDER_STATUSES, OrderStatus } from './order-status';

/**
 * The status change an OrderCreated or OrderCancelled event announces as well, so that subscribers hear
 * it from that one message (notification-service sends both the specific webhook and `order.updated`).
 * Before it, order-service published a separate OrderUpdated for every settled order.
 */
export class OrderStatusChange {
  @IsIn(ORDER_STATUSES)
  previousStatus: OrderStatus;

  @IsIn(ORDER_STATUSES)
  currentStatus: OrderStatus;

  @IsISO8601({ strict: true })
  updatedAt: string;
}
