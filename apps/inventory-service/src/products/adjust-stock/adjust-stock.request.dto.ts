import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, NotEquals } from 'class-validator';

/** POST /products/:id/stock-adjustments: a relative change, so concurrent adjustments add up instead of overwriting each other. */
export class AdjustStockRequestDto {
  /** Units added (goods received) or, negative, removed (shrinkage, returns to supplier). */
  @IsInt({ message: 'Must be a non-zero integer' })
  @NotEquals(0, { message: 'Must be a non-zero integer' })
  @Min(-1_000_000)
  @Max(1_000_000)
  delta: number;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  reason?: string;
}
