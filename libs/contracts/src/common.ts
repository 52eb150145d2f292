import { IsIn, IsInt, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';

export const CURRENCIES = ['USD'] as const;
export type Currency = (typeof CURRENCIES)[number];

export class OrderLineQuantity {
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  productId: string;

  @IsInt()
  @Min(1)
  @Max(999)
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
