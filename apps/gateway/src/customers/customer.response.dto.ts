import { ApiProperty } from '@nestjs/swagger';
import { PaginationResponseDto } from '../common/pagination.response.dto';
import { ApiClosedSchema } from '../openapi/closed-schema';

/* What order-service answers for a customer (apps/order-service/src/customers/customer.response.dto.ts), relayed as is. */

@ApiClosedSchema('Customer', 'A customer of the calling client')
export class CustomerResponseDto {
  @ApiProperty({ example: 'CUST-12345' })
  customer_id: string;

  @ApiProperty({ maxLength: 200, example: 'Ada Lovelace' })
  name: string;

  @ApiProperty({ type: String, nullable: true, example: 'ada@example.com' })
  email: string | null;

  @ApiProperty({
    enum: ['active', 'inactive'],
    enumName: 'CustomerStatus',
    description: 'Orders for an inactive customer get 400 INVALID_CUSTOMER',
    example: 'active',
  })
  status: string;

  @ApiProperty({ format: 'date-time', example: '2024-01-15T10:30:00.000Z' })
  created_at: string;
}

@ApiClosedSchema('CustomerPage')
export class CustomerPageResponseDto {
  @ApiProperty({ type: [CustomerResponseDto] })
  data: CustomerResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination: PaginationResponseDto;
}
