import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';
import { PaginationResponseDto } from '../common/pagination.response.dto';

@ApiClosedSchema('Product', 'A catalog product with its price and stock')
export class ProductResponseDto {
  @ApiProperty({ example: 'SKU-001' })
  product_id: string;

  @ApiProperty({ example: 'Espresso beans 1 kg' })
  name: string;

  @ApiProperty({ minimum: 0, description: 'In currency units (USD), 2 decimal places', example: 29.99 })
  unit_price: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Units that can still be reserved', example: 100 })
  available: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Units held by reservations not yet confirmed or released', example: 2 })
  reserved: number;

  @ApiProperty({ description: 'Inactive products cannot be ordered', example: true })
  active: boolean;
}

@ApiClosedSchema('ProductPage')
export class ProductPageResponseDto {
  @ApiProperty({ type: [ProductResponseDto] })
  data: ProductResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination: PaginationResponseDto;
}
