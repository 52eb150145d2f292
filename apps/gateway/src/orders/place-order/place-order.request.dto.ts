import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/*
 * The documented shape of POST /api/v1/orders. The gateway relays the body as it came; order-service
 * validates it (and answers VALIDATION_ERROR with details[].field), so these classes only describe it.
 */

class OrderLineRequestDto {
  @ApiProperty({ example: 'SKU-001' })
  product_id: string;

  @ApiProperty({ minimum: 1, maximum: 999, example: 2 })
  quantity: number;

  @ApiPropertyOptional({ description: 'Must equal the catalog price when given (2 decimal places)', example: 29.99 })
  unit_price?: number;
}

class ShippingAddressRequestDto {
  @ApiProperty({ maxLength: 100, example: '1 Main St' })
  street: string;

  @ApiProperty({ maxLength: 50, example: 'Springfield' })
  city: string;

  @ApiProperty({ pattern: '^\\d{5}(-\\d{4})?$', example: '12345' })
  postal_code: string;

  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'US' })
  country: string;
}

export class PlaceOrderRequestDto {
  @ApiProperty({ maxLength: 50, pattern: '^[A-Za-z0-9-]+$', example: 'CUST-12345' })
  customer_id: string;

  @ApiProperty({ type: [OrderLineRequestDto], minItems: 1, maxItems: 100 })
  items: OrderLineRequestDto[];

  @ApiPropertyOptional({ type: ShippingAddressRequestDto })
  shipping_address?: ShippingAddressRequestDto;
}
