import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, Matches, MaxLength } from 'class-validator';
import { ORDER_STATUSES, type OrderStatus } from '../../order/order-lifecycle/order-status';
import { PageRequestDto } from '../common/page.request.dto';

const ISO_8601 = { message: 'Must be an ISO 8601 date-time, e.g. 2026-01-15T10:30:00Z' };

/** Paging parameters and the status filter shared by every order list. */
export class OrderPageRequestDto extends PageRequestDto {
  @ApiPropertyOptional({ enum: ORDER_STATUSES, enumName: 'OrderStatus' })
  @IsOptional()
  @IsIn(ORDER_STATUSES, { message: `Must be one of ${ORDER_STATUSES.join(', ')}` })
  status?: OrderStatus;
}

/** GET /api/v1/orders query: filters are ANDed. */
export class ListOrdersRequestDto extends OrderPageRequestDto {
  @ApiPropertyOptional({ maxLength: 50, pattern: '^[A-Za-z0-9-]+$' })
  @IsOptional()
  @MaxLength(50)
  @Matches(/^[A-Za-z0-9-]+$/, { message: 'Must be alphanumeric (dashes allowed)' })
  customer_id?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'ISO 8601, inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true }, ISO_8601)
  created_from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'ISO 8601, exclusive' })
  @IsOptional()
  @IsISO8601({ strict: true }, ISO_8601)
  created_to?: string;
}
