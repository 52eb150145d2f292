import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';
import { PaginationResponseDto } from '../common/pagination.response.dto';

export const CUSTOMER_STATUSES = ['active', 'inactive'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

@ApiClosedSchema('Customer', 'A customer of the calling client')
export class CustomerResponseDto {
  @ApiProperty({ example: 'CUST-12345' })
  customer_id: string;

  @ApiProperty({ maxLength: 200, example: 'Ada Lovelace' })
  name: string;

  @ApiProperty({ type: String, nullable: true, example: 'ada@example.com' })
  email: string | null;

  @ApiProperty({
    enum: CUSTOMER_STATUSES,
    enumName: 'CustomerStatus',
    description: 'Orders for an inactive customer get 400 INVALID_CUSTOMER',
    example: 'active',
  })
  status: CustomerStatus;

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
