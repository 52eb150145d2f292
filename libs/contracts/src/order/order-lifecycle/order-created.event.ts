import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { CURRENCIES, Currency, PricedOrderLine } from '../../common';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';
import { OrderLifecycleEventBase, sharedFieldsFirst } from './order-lifecycle.event';
import { OrderStatusChange } from './order-status-change';
import { ORDER_STATUSES, OrderStatus } from './order-status';

/**
 * The order went through the saga: stock reserved and payment taken. Inventory confirms the order's
 * reservation on it (it replaced the ConfirmReservation command); subscribers get `order.created`.
 */
@sharedFieldsFirst
export class OrderCreatedEvent extends OrderLifecycleEventBase {
  @IsString()
  @IsNotEmpty()
  customerId: string;

  @IsIn(ORDER_STATUSES)
  status: OrderStatus;

  @IsInt()
  @Min(0)
  totalCents: number;

  @IsIn(CURRENCIES)
  currency: Currency;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => PricedOrderLine)
  items: PricedOrderLine[];

  @IsISO8601({ strict: true })
  createdAt: string;

  /** The same settlement as a status change (what a separate OrderUpdated carried); absent from older producers' events. */
  @IsOptional()
  @ValidateNested()
  @Type(() => OrderStatusChange)
  statusChange?: OrderStatusChange;
}

export const ORDER_CREATED = defineMessage('OrderCreated', TOPICS.order.lifecycleEvents, OrderCreatedEvent);
