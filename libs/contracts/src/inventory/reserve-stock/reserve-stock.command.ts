import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsNotEmpty, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { OrderLineQuantity } from '../../common';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';

/** A line to reserve, with the unit price the client stated when it stated one. */
export class ReserveStockLine extends OrderLineQuantity {
  /** Absent: the catalog price is taken as is. Present and different: the reservation is refused (PRICE_MISMATCH). */
  @IsOptional()
  @IsInt()
  @Min(0)
  expectedUnitPriceCents?: number;
}

/** Reserve every line of an order, or none of them. */
export class ReserveStockCommand {
  @IsString()
  @IsNotEmpty()
  orderId: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ReserveStockLine)
  items: ReserveStockLine[];
}

export const RESERVE_STOCK = defineMessage('ReserveStock', TOPICS.inventory.reserveStockCommand, ReserveStockCommand);
