import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const DEFAULT_FIGURES_MINUTES = 60;
/** One day of minutes: the window is read from the state index, so its cost grows with the sagas that ended in it. */
export const MAX_FIGURES_MINUTES = 1440;

/** GET /sagas/figures (operator): the console's overview, over the last `minutes` minutes. */
export class SagaFiguresRequestDto {
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
