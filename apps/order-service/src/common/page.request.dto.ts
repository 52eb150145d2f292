import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE_LIMIT } from './page-cursor';

const LIMIT_MESSAGE = { message: `Must be an integer between 1 and ${MAX_PAGE_LIMIT}` };

/** The paging parameters every cursor-paginated list takes (orders, search, customers). */
export class PageRequestDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt(LIMIT_MESSAGE)
  @Min(1, LIMIT_MESSAGE)
  @Max(MAX_PAGE_LIMIT, LIMIT_MESSAGE)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
