import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';
import { MAX_PAGE_LIMIT } from './page.request.dto';

/** The cursor pagination block of every list answer (order, customer and product lists, search). */
@ApiClosedSchema('Pagination')
export class PaginationResponseDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, example: 20, description: 'The page size used' })
  limit: number;

  @ApiProperty({ example: true })
  has_more: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Opaque; pass it back as `cursor` for the next page. Null on the last page.',
    example: 'eyJ0IjoiMjAyNC0wMS0xNVQxMDozMDowMC4wMDAwMDBaIiwiayI6Ik9SRC0xMjM0NTY3OCJ9',
  })
  next_cursor: string | null;
}
