import { IsIn, IsISO8601 } from 'class-validator';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';
import { OrderLifecycleEventBase, sharedFieldsFirst } from './order-lifecycle.event';
import { ORDER_STATUSES, OrderStatus } from './order-status';

/**
 * A status change of an order, published alongside the created / cancelled event by order-service versions
 * before OrderStatusChange. No longer published (the created / cancelled event carries `statusChange`);
 * still accepted, so that events already on the topic are delivered.
 */
@sharedFieldsFirst
export class OrderUpdatedEvent extends OrderLifecycleEventBase {
  @IsIn(ORDER_STATUSES)
  previousStatus: OrderStatus;

  @IsIn(ORDER_STATUSES)
  currentStatus: OrderStatus;

  @IsISO8601({ strict: true })
  updatedAt: string;
}

export const ORDER_UPDATED = defineMessage('OrderUpdated', TOPICS.order.lifecycleEvents, OrderUpdatedEvent);
