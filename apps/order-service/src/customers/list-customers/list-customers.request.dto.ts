import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE_LIMIT } from '../../common/page-cursor';
import type { CustomerStatus } from '../customer.entity';

export class ListCustomersRequestDto {
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
  @IsIn(['active', 'inactive'], { message: 'Must be one of active, inactive' })
  status?: CustomerStatus;
}
