import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, NotEquals } from 'class-validator';
import { ApiClosedSchema } from '../api-closed-schema';

/** POST /api/v1/products/{productId}/stock-adjustments: a relative change, so concurrent adjustments add up instead of overwriting each other. */
@ApiClosedSchema('AdjustStockRequestDto')
export class AdjustStockRequestDto {
  /** Units added (goods received) or, negative, removed (shrinkage, returns to supplier). */
  @ApiProperty({ type: 'integer', minimum: -1_000_000, maximum: 1_000_000, not: { enum: [0] }, example: 25 })
  @IsInt({ message: 'Must be a non-zero integer' })
  @NotEquals(0, { message: 'Must be a non-zero integer' })
  @Min(-1_000_000)
  @Max(1_000_000)
  delta: number;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'goods received' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  reason?: string;
}
