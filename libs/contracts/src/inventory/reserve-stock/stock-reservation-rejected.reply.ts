import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { defineMessage } from '../../message-definition';
import { TOPICS } from '../../topics';

export const STOCK_REJECTION_REASONS = ['INSUFFICIENT_INVENTORY', 'UNKNOWN_PRODUCT', 'PRICE_MISMATCH'] as const;
export type StockRejectionReason = (typeof STOCK_REJECTION_REASONS)[number];

export class StockShortage {
  @IsString()
  @IsNotEmpty()
  productId: string;

  @IsInt()
  @Min(1)
  requested: number;

  /** What could have been reserved; 0 for an unknown product. */
  @IsInt()
  @Min(0)
  available: number;
}

/** A line whose stated unit price is not the catalog's. */
export class PriceMismatch {
  @IsString()
  @IsNotEmpty()
  productId: string;

  @IsInt()
  @Min(0)
  expectedUnitPriceCents: number;

  @IsInt()
  @Min(0)
  catalogUnitPriceCents: number;
}

/** Nothing was reserved: at least one line could not be. */
export class StockReservationRejectedReply {
  @IsString()
  @IsNotEmpty()
  orderId: string;

  @IsIn(STOCK_REJECTION_REASONS)
  reason: StockRejectionReason;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => StockShortage)
  shortages: StockShortage[];

  /** Set with reason PRICE_MISMATCH: every line priced differently from the catalog. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PriceMismatch)
  priceMismatches?: PriceMismatch[];
}

export const STOCK_RESERVATION_REJECTED = defineMessage('StockReservationRejected', TOPICS.inventory.reserveStockReply, StockReservationRejectedReply);
