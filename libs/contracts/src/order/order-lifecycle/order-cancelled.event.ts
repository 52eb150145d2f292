import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';
import { OrderLifecycleEventBase, sharedFieldsFirst } from './order-lifecycle.event';
import { OrderStatusChange } from './order-status-change';
import { ORDER_STATUSES, OrderStatus } from './order-status';

/** The saga ended without an order: stock was short or payment was declined (and stock released). */
@sharedFieldsFirst
export class OrderCancelledEvent extends OrderLifecycleEventBase {
  @IsString()
  @IsNotEmpty()
  customerId: string;

  @IsIn(ORDER_STATUSES)
  previousStatus: OrderStatus;

  /** The error code the client saw, e.g. `PAYMENT_FAILED`. */
  @IsString()
  @MaxLength(50)
  reason: string;

  @IsISO8601({ strict: true })
  cancelledAt: string;

  /** The same settlement as a status change (what a separate OrderUpdated carried); absent from older producers' events. */
  @IsOptional()
  @ValidateNested()
  @Type(() => OrderStatusChange)
  statusChange?: OrderStatusChange;
}

export const ORDER_CANCELLED = defineMessage('OrderCancelled', TOPICS.order.lifecycleEvents, OrderCancelledEvent);
