import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export const SAGA_FILTERS = ['stuck', 'failed', 'compensating', 'open'] as const;
export type SagaFilter = (typeof SAGA_FILTERS)[number];

/** GET /sagas — an operator's view of sagas that need a look. */
export class ListSagasRequestDto {
  /**
   * stuck: waiting on a step whose deadline already passed (the sweeper should be acting on it);
   * failed: ended without a confirmed order; compensating: undoing steps; open: any non-terminal saga.
   */
  @IsIn(SAGA_FILTERS, { message: `Must be one of ${SAGA_FILTERS.join(', ')}` })
  state: SagaFilter;

  /** Only sagas not updated for at least this many seconds. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'Must be a whole number of seconds' })
  @Min(0)
  older_than?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
