import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';
import { DeadLetterResponseDto } from './dead-letter.response.dto';

export const DEAD_LETTER_ACTIONS = ['redrive', 'discard'] as const;
export type DeadLetterAction = (typeof DEAD_LETTER_ACTIONS)[number];

/**
 * What an operator's redrive or discard of one dead letter did; a repeated request with the same action_id
 * gets this same body (and the header Idempotent-Replayed: true).
 */
@ApiClosedSchema('DeadLetterActionResult', "An operator's redrive or discard of one dead letter")
export class DeadLetterActionResponseDto {
  @ApiProperty({ format: 'uuid' })
  action_id: string;

  @ApiProperty({ enum: DEAD_LETTER_ACTIONS, enumName: 'DeadLetterAction', example: 'redrive' })
  action: DeadLetterAction;

  @ApiProperty({ example: 'ops@example.com' })
  operator_id: string;

  @ApiProperty({ example: 'fixed in release 1.4.2' })
  reason: string;

  @ApiProperty({ format: 'date-time' })
  occurred_at: string;

  @ApiProperty({ type: DeadLetterResponseDto, description: 'The dead letter right after the action' })
  dead_letter: DeadLetterResponseDto;
}

@ApiClosedSchema('DeadLetterNotRedriven', 'A parked dead letter a redrive of many left parked, and why')
export class DeadLetterNotRedrivenResponseDto {
  @ApiProperty({ pattern: '^[0-9]+$', example: '42' })
  id: string;

  @ApiProperty({ example: 'its value is not JSON' })
  reason: string;
}

/** What a redrive of many dead letters did; replayed like the other actions. */
@ApiClosedSchema('DeadLettersRedriven', 'An operator redrive of the parked dead letters matching a filter')
export class DeadLettersRedrivenResponseDto {
  @ApiProperty({ format: 'uuid' })
  action_id: string;

  @ApiProperty({ enum: ['redrive-all'], example: 'redrive-all' })
  action: 'redrive-all';

  @ApiProperty({ example: 'ops@example.com' })
  operator_id: string;

  @ApiProperty({ example: 'fixed in release 1.4.2' })
  reason: string;

  @ApiProperty({ type: String, nullable: true, description: 'The consumer filter, if any' })
  consumer: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The topic filter, if any' })
  topic: string | null;

  @ApiProperty({ type: [String], description: 'The dead letters put back on their topics (each exactly once), oldest first' })
  redriven: string[];

  @ApiProperty({ type: [DeadLetterNotRedrivenResponseDto], description: 'Parked dead letters that cannot be redriven (discard them)' })
  not_redriven: DeadLetterNotRedrivenResponseDto[];

  @ApiProperty({ description: 'More parked dead letters match than one action takes: act again with a new action id' })
  has_more: boolean;

  @ApiProperty({ format: 'date-time' })
  occurred_at: string;
}
