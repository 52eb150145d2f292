import { ORDER_STATUSES, type OrderStatus } from '@order-saga/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE_LIMIT } from '../../common/page-cursor';

const ISO_8601 = { message: 'Must be an ISO 8601 date-time, e.g. 2026-01-15T10:30:00Z' };

/** Paging parameters shared by every order list. */
export class OrderPageRequestDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `Must be an integer between 1 and ${MAX_PAGE_LIMIT}` })
  @Min(1, { message: `Must be an integer between 1 and ${MAX_PAGE_LIMIT}` })
  @Max(MAX_PAGE_LIMIT, { message: `Must be an integer between 1 and ${MAX_PAGE_LIMIT}` })
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @IsOptional()
  @IsIn(ORDER_STATUSES, { message: `Must be one of ${ORDER_STATUSES.join(', ')}` })
  status?: OrderStatus;
}

/** GET /orders query: filters are ANDed. */
export class ListOrdersRequestDto extends OrderPageRequestDto {
  @IsOptional()
  @MaxLength(50)
  @Matches(/^[A-Za-z0-9-]+$/, { message: 'Must be alphanumeric (dashes allowed)' })
  customer_id?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, ISO_8601)
  created_from?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, ISO_8601)
  created_to?: string;
}
