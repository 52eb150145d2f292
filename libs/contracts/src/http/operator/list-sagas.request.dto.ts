import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageRequestDto } from '../common/page.request.dto';
import { SAGA_STATES, type SagaState } from '../orders/track-order.response.dto';

/**
 * stuck: waiting on a step whose deadline already passed (the sweeper should be acting on it); failed:
 * ended without a confirmed order; compensating: undoing steps; open: any saga not ended.
 */
export const SAGA_STATE_GROUPS = ['stuck', 'failed', 'compensating', 'open'] as const;
export type SagaStateGroup = (typeof SAGA_STATE_GROUPS)[number];
export const SAGA_STATE_FILTERS = [...SAGA_STATE_GROUPS, ...SAGA_STATES] as const;
export type SagaStateFilter = SagaStateGroup | SagaState;

/** The command an open saga waits on the reply of: what "retry the current step" sends again. */
export const SAGA_STEPS = ['ReserveStock', 'ProcessPayment', 'RefundPayment', 'ReleaseStock'] as const;
export type SagaStep = (typeof SAGA_STEPS)[number];

/** Ten years: an upper bound that keeps the number an integer PostgreSQL interval arithmetic takes. */
const MAX_OLDER_THAN_SECONDS = 315_360_000;

/** GET /sagas (operator): every client's sagas, oldest change first; the filters are ANDed. */
export class ListSagasRequestDto extends PageRequestDto {
  @ApiPropertyOptional({ enum: SAGA_STATE_FILTERS, description: 'A saga state, or a group: stuck, failed, compensating, open' })
  @IsOptional()
  @IsIn(SAGA_STATE_FILTERS, { message: `Must be one of ${SAGA_STATE_FILTERS.join(', ')}` })
  state?: SagaStateFilter;

  @ApiPropertyOptional({ enum: SAGA_STEPS, enumName: 'SagaStep', description: 'Only sagas waiting on the reply to this command' })
  @IsOptional()
  @IsIn(SAGA_STEPS, { message: `Must be one of ${SAGA_STEPS.join(', ')}` })
  step?: SagaStep;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_OLDER_THAN_SECONDS, description: 'Only sagas unchanged for at least this many seconds' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'Must be a whole number of seconds' })
  @Min(0, { message: 'Must be a whole number of seconds' })
  @Max(MAX_OLDER_THAN_SECONDS, { message: `Must be at most ${MAX_OLDER_THAN_SECONDS} seconds` })
  older_than?: number;

  @ApiPropertyOptional({ maxLength: 100, pattern: '^[A-Za-z0-9._~-]+$', description: 'The API client that placed the order' })
  @IsOptional()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9._~-]+$/, { message: 'Must be a client id (letters, digits, . _ ~ -)' })
  client_id?: string;

  @ApiPropertyOptional({ maxLength: 50, pattern: '^[A-Za-z0-9-]+$' })
  @IsOptional()
  @MaxLength(50)
  @Matches(/^[A-Za-z0-9-]+$/, { message: 'Must be alphanumeric (dashes allowed)' })
  customer_id?: string;
}
