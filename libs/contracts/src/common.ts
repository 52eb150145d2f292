import { IsIn, IsInt, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';

export const CURRENCIES = ['USD'] as const;
export type Currency = (typeof CURRENCIES)[number];

/**
 * The edge allows 1–999 per order line and 100 lines per order. Inventory merges lines that name the same
 * product, so a line in a message can carry up to 100 × 999; capping it at 999 here would dead-letter a valid order.
 */
export const MAX_MESSAGE_LINE_QUANTITY = 100 * 999;

export class OrderLineQuantity {
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  productId: string;

  @IsInt()
  @Min(1)
  @Max(MAX_MESSAGE_LINE_QUANTITY)
  quantity: number;
}

export class PricedOrderLine extends OrderLineQuantity {
  /** Money is integer minor units (cents) in every message; decimals appear only at the HTTP edge. */
  @IsInt()
  @Min(0)
  unitPriceCents: number;
}

export class MoneyFields {
  @IsInt()
  @Min(0)
  amountCents: number;

  @IsIn(CURRENCIES)
  currency: Currency;
}
