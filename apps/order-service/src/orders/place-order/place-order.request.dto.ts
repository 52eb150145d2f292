import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsInt,
  IsISO31661Alpha2,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export class OrderItemRequestDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  product_id: string;

  @IsInt({ message: 'Must be an integer between 1 and 999' })
  @Min(1, { message: 'Must be between 1 and 999' })
  @Max(999, { message: 'Must be between 1 and 999' })
  quantity: number;

  /** Optional: the price the client expects; the catalog's price is what is charged. */
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 }, { message: 'Must be a number with at most 2 decimal places' })
  @Min(0)
  unit_price?: number;
}

export class ShippingAddressRequestDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  street: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  city: string;

  @IsString()
  @Matches(/^\d{5}(-\d{4})?$/, { message: 'Must match 12345 or 12345-6789' })
  postal_code: string;

  @IsISO31661Alpha2({ message: 'Must be an ISO 3166-1 alpha-2 country code' })
  country: string;
}

/** POST /api/v1/orders, with the spec's constraints. */
export class PlaceOrderRequestDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  @Matches(/^[A-Za-z0-9-]+$/, { message: 'Must be alphanumeric (dashes allowed)' })
  customer_id: string;

  @IsDefined()
  @IsArray()
  @ArrayMinSize(1, { message: 'Must contain between 1 and 100 items' })
  @ArrayMaxSize(100, { message: 'Must contain between 1 and 100 items' })
  @ValidateNested({ each: true })
  @Type(() => OrderItemRequestDto)
  items: OrderItemRequestDto[];

  @IsOptional()
  @ValidateNested()
  @Type(() => ShippingAddressRequestDto)
  shipping_address?: ShippingAddressRequestDto;
}
