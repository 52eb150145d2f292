import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class ListProductsRequestDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'Must be an integer between 1 and 100' })
  @Min(1, { message: 'Must be an integer between 1 and 100' })
  @Max(100, { message: 'Must be an integer between 1 and 100' })
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  /** `true` or `false`; anything else is left as is and fails @IsBoolean. */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'Must be true or false' })
  active?: boolean;
}
