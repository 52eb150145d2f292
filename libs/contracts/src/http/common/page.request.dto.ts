import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

const LIMIT_MESSAGE = { message: `Must be an integer between 1 and ${MAX_PAGE_LIMIT}` };

/** The paging query parameters of every cursor-paginated list (orders, search, customers, products). */
export class PageRequestDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, description: `Page size (default ${DEFAULT_PAGE_LIMIT})` })
  @IsOptional()
  @Type(() => Number)
  @IsInt(LIMIT_MESSAGE)
  @Min(1, LIMIT_MESSAGE)
  @Max(MAX_PAGE_LIMIT, LIMIT_MESSAGE)
  limit?: number;

  @ApiPropertyOptional({ maxLength: 512, description: 'pagination.next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
