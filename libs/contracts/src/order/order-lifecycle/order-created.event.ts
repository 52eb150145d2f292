import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsNotEmpty, IsString, Min, ValidateNested } from 'class-validator';
import { CURRENCIES, Currency, PricedOrderLine } from '../../common';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';
import { ORDER_STATUSES, OrderStatus } from './order-status';

/** The order went through the saga: stock reserved and payment taken. */
export class OrderCreatedEvent {
  @IsString()
  @IsNotEmpty()
  orderId: string;

  /** The API client that owns the order; webhooks go only to that client's endpoints. */
  @IsString()
  @IsNotEmpty()
  clientId: string;

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
}

export const ORDER_CREATED = defineMessage('OrderCreated', TOPICS.order.lifecycleEvents, OrderCreatedEvent);
