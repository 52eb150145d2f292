import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import { ApiClosedSchema } from '../api-closed-schema';
import { OperatorActionRequestDto } from './operator-action.request.dto';

const NAME_PATTERN = /^[A-Za-z0-9._-]+$/;

/** POST /dead-letters/redrive (operator): every parked dead letter of the consumer and/or topic, or all of them. */
@ApiClosedSchema('RedriveDeadLettersRequestDto')
export class RedriveDeadLettersRequestDto extends OperatorActionRequestDto {
  @ApiPropertyOptional({ maxLength: 200, description: "Only this consumer's dead letters", example: 'inventory.reserve-stock' })
  @IsOptional()
  @MaxLength(200)
  @Matches(NAME_PATTERN, { message: 'Must be a consumer name (letters, digits, . _ -)' })
  consumer?: string;

  @ApiPropertyOptional({ maxLength: 249, description: 'Only dead letters from this topic', example: 'inventory.command.reserve-stock.v1' })
  @IsOptional()
  @MaxLength(249)
  @Matches(NAME_PATTERN, { message: 'Must be a topic name (letters, digits, . _ -)' })
  topic?: string;
}
