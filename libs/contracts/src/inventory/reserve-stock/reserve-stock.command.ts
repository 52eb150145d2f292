import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNotEmpty, IsString, ValidateNested } from 'class-validator';
import { OrderLineQuantity } from '../../common';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';

/** Reserve every line of an order, or none of them. */
export class ReserveStockCommand {
  @IsString()
  @IsNotEmpty()
  orderId: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => OrderLineQuantity)
  items: OrderLineQuantity[];
}

export const RESERVE_STOCK = defineMessage('ReserveStock', TOPICS.inventory.reserveStockCommand, ReserveStockCommand);
