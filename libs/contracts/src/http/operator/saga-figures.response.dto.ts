import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';
import { FiguresWindowResponseDto } from './figures-window.response.dto';

/** How a saga ended, by its final state (the `outcome` label of order_saga_sagas_total). */
export const SAGA_OUTCOMES = ['confirmed', 'rejected', 'compensated', 'timed_out', 'cancelled'] as const;
export type SagaOutcome = (typeof SAGA_OUTCOMES)[number];

@ApiClosedSchema('SagaOutcomeCounts', 'Sagas that ended, by how they ended')
export class SagaOutcomeCountsResponseDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Ended CONFIRMED: the order was placed' })
  confirmed: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Ended REJECTED: no stock, or a price that did not match' })
  rejected: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Ended COMPENSATED: the payment failed or timed out and what was done was undone' })
  compensated: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Ended TIMED_OUT: inventory did not answer in time' })
  timed_out: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Ended CANCELLED by an operator' })
  cancelled: number;
}

@ApiClosedSchema('SagaFiguresMinute', 'The sagas that ended in one minute')
export class SagaFiguresMinuteResponseDto {
  @ApiProperty({ format: 'date-time', description: 'The start of the minute' })
  minute: string;

  @ApiProperty({ type: SagaOutcomeCountsResponseDto })
  outcomes: SagaOutcomeCountsResponseDto;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Median duration (start to end) of the sagas that ended this minute, in ms; null when none did',
  })
  duration_p50_ms: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: '99th percentile of the same durations, in ms; null when none ended' })
  duration_p99_ms: number | null;
}

@ApiClosedSchema('SagaFigures', "The console's overview: outcomes per minute, sagas in flight and stuck, durations over the window")
export class SagaFiguresResponseDto extends FiguresWindowResponseDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Sagas begun and not ended, now' })
  in_flight: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: "Open sagas whose step deadline already passed, now (the listing's state=stuck)" })
  stuck: number;

  @ApiProperty({ type: SagaOutcomeCountsResponseDto, description: 'Sagas that ended in the window, by outcome' })
  outcomes: SagaOutcomeCountsResponseDto;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Median duration of the sagas that ended in the window, in ms; null when none did' })
  duration_p50_ms: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: '99th percentile of the same durations, in ms; null when none ended' })
  duration_p99_ms: number | null;

  @ApiProperty({ type: [SagaFiguresMinuteResponseDto], description: 'Every minute of the window, oldest first, including those in which no saga ended' })
  minutes: SagaFiguresMinuteResponseDto[];
}
