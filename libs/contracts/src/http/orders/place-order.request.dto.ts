import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
import { ApiClosedSchema } from '../api-closed-schema';
import { CompiledValidation } from '../../compiled-validation';

@ApiClosedSchema('OrderLineRequestDto')
export class OrderLineRequestDto {
  @ApiProperty({ maxLength: 50, example: 'SKU-001' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  product_id: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 999, example: 2 })
  @IsInt({ message: 'Must be an integer between 1 and 999' })
  @Min(1, { message: 'Must be between 1 and 999' })
  @Max(999, { message: 'Must be between 1 and 999' })
  quantity: number;

  /** The price the client expects; the catalog's price is what is charged. */
  @ApiPropertyOptional({ minimum: 0, description: 'Must equal the catalog price when given (2 decimal places)', example: 29.99 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 }, { message: 'Must be a number with at most 2 decimal places' })
  @Min(0)
  unit_price?: number;
}

@ApiClosedSchema('ShippingAddressRequestDto')
export class ShippingAddressRequestDto {
  @ApiProperty({ maxLength: 100, example: '1 Main St' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  street: string;

  @ApiProperty({ maxLength: 50, example: 'Springfield' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  city: string;

  @ApiProperty({ pattern: '^\\d{5}(-\\d{4})?$', example: '12345' })
  @IsString()
  @Matches(/^\d{5}(-\d{4})?$/, { message: 'Must match 12345 or 12345-6789' })
  postal_code: string;

  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'US' })
  @IsISO31661Alpha2({ message: 'Must be an ISO 3166-1 alpha-2 country code' })
  country: string;
}

/** POST /api/v1/orders, with the spec's constraints; order-service validates it, the gateway relays it. */
@ApiClosedSchema('PlaceOrderRequestDto')
@CompiledValidation()
export class PlaceOrderRequestDto {
  @ApiProperty({ maxLength: 50, pattern: '^[A-Za-z0-9-]+$', example: 'CUST-12345' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  @Matches(/^[A-Za-z0-9-]+$/, { message: 'Must be alphanumeric (dashes allowed)' })
  customer_id: string;

  @ApiProperty({ type: [OrderLineRequestDto], minItems: 1, maxItems: 100 })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1, { message: 'Must contain between 1 and 100 items' })
  @ArrayMaxSize(100, { message: 'Must contain between 1 and 100 items' })
  @ValidateNested({ each: true })
  @Type(() => OrderLineRequestDto)
  items: OrderLineRequestDto[];

  @ApiPropertyOptional({ type: ShippingAddressRequestDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ShippingAddressRequestDto)
  shipping_address?: ShippingAddressRequestDto;
}
