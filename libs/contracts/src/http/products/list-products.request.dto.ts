import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageRequestDto } from '../common/page.request.dto';

/** GET /api/v1/products query; the catalog is paged in product id order. */
export class ListProductsRequestDto extends PageRequestDto {
  /** `true` or `false`; anything else is left as is and fails @IsBoolean. */
  @ApiPropertyOptional({ type: 'boolean' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'Must be true or false' })
  active?: boolean;
}
