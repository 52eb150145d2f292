import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsNotEmpty, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { CURRENCIES, Currency, PricedOrderLine } from '../../common';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';

/** Every line is reserved; prices are the catalog's at reservation time. */
export class StockReservedReply {
  @IsString()
  @IsNotEmpty()
  orderId: string;

  @IsUUID()
  reservationId: string;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => PricedOrderLine)
  items: PricedOrderLine[];

  @IsInt()
  @Min(0)
  totalCents: number;

  @IsIn(CURRENCIES)
  currency: Currency;
}

export const STOCK_RESERVED = defineMessage('StockReserved', TOPICS.inventory.reserveStockReply, StockReservedReply);
