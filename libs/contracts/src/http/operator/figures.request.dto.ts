import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const DEFAULT_FIGURES_MINUTES = 60;
/** One day of minutes: each figures route reads its window from an index range, so its cost grows with the rows in it. */
export const MAX_FIGURES_MINUTES = 1440;

/**
 * The console overview's figures routes (operator), order-service's GET /sagas/figures and notification-service's
 * GET /operator/webhook-deliveries/figures: over the last `minutes` minutes.
 */
export class FiguresRequestDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_FIGURES_MINUTES,
    default: DEFAULT_FIGURES_MINUTES,
    description: 'The window: this many whole minutes, the current one included',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'Must be a whole number of minutes' })
  @Min(1, { message: 'Must be at least 1 minute' })
  @Max(MAX_FIGURES_MINUTES, { message: `Must be at most ${MAX_FIGURES_MINUTES} minutes` })
  minutes?: number;
}
