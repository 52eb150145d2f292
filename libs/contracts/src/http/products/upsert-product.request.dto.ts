import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiClosedSchema } from '../api-closed-schema';

/** PUT /api/v1/products/{productId}: creates the product or replaces its fields. */
@ApiClosedSchema('UpsertProductRequestDto')
export class UpsertProductRequestDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Widget' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ minimum: 0, maximum: 1_000_000, multipleOf: 0.01, example: 29.99 })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(1_000_000)
  unit_price: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Replaces the available stock; omitted keeps it (0 for a new product)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  available?: number;

  @ApiPropertyOptional({ description: 'Inactive products cannot be ordered' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
