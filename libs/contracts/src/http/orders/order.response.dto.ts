import { ApiProperty } from '@nestjs/swagger';
import { ORDER_STATUSES, type OrderStatus } from '../../order/order-lifecycle/order-status';
import { ApiClosedSchema } from '../api-closed-schema';
import { PaginationResponseDto } from '../common/pagination.response.dto';

/** `ORD-` and 8 Crockford base32 characters (order-service's newOrderId). */
export const ORDER_ID_PATTERN = '^ORD-[0-9A-HJKMNP-TV-Z]{8}$';

@ApiClosedSchema('OrderLine')
export class OrderLineResponseDto {
  @ApiProperty({ example: 'SKU-001' })
  product_id: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 999, example: 2 })
  quantity: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    description: 'Catalog price in currency units; null until inventory priced the reservation',
    example: 29.99,
  })
  unit_price: number | null;
}

/** The spec's order representation. Money is in decimal units of the currency here, in cents everywhere inside. */
@ApiClosedSchema('Order', 'An order as the spec represents it')
export class OrderResponseDto {
  @ApiProperty({ pattern: ORDER_ID_PATTERN, example: 'ORD-12345678' })
  order_id: string;

  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus', example: 'confirmed' })
  status: OrderStatus;

  @ApiProperty({ example: 'CUST-12345' })
  customer_id: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    description: 'Sum of the lines in currency units; null until inventory priced the reservation',
    example: 59.98,
  })
  total_amount: number | null;

  @ApiProperty({ enum: ['USD'], example: 'USD' })
  currency: string;

  @ApiProperty({ type: [OrderLineResponseDto], minItems: 1, maxItems: 100 })
  items: OrderLineResponseDto[];

  @ApiProperty({ format: 'date-time', example: '2024-01-15T10:30:00.000Z' })
  created_at: string;

  @ApiProperty({ format: 'date-time', example: '2024-01-20T10:30:00.000Z' })
  estimated_delivery: string;

  @ApiProperty({
    format: 'uri',
    description: 'GET …/orders/{order_id}/track on the public base URL',
    example: 'http://localhost:3000/api/v1/orders/ORD-12345678/track',
  })
  tracking_url: string;
}

@ApiClosedSchema('OrderDetail', 'An order with the error code it failed with, if it did')
export class OrderDetailResponseDto extends OrderResponseDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The error_code a cancelled order failed with (e.g. PAYMENT_FAILED); null otherwise',
    example: null,
  })
  failure_code: string | null;
}

@ApiClosedSchema('OrderPage')
export class OrderPageResponseDto {
  @ApiProperty({ type: [OrderResponseDto] })
  data: OrderResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination: PaginationResponseDto;
}
