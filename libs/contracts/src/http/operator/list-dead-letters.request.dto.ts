import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches, MaxLength } from 'class-validator';
import { PageRequestDto } from '../common/page.request.dto';
import { DEAD_LETTER_STATUSES, type DeadLetterStatus } from './dead-letter.response.dto';

/** A consumer's inbox name (`<owner>.<name>`) or a Kafka topic name: letters, digits, dots, dashes, underscores. */
const NAME_PATTERN = /^[A-Za-z0-9._-]+$/;

/** GET /dead-letters (operator, on every Kafka service): the service's dead letters, newest first; the filters are ANDed. */
export class ListDeadLettersRequestDto extends PageRequestDto {
  @ApiPropertyOptional({ maxLength: 200, description: 'The consumer that could not process the message', example: 'inventory.reserve-stock' })
  @IsOptional()
  @MaxLength(200)
  @Matches(NAME_PATTERN, { message: 'Must be a consumer name (letters, digits, . _ -)' })
  consumer?: string;

  @ApiPropertyOptional({ maxLength: 249, description: 'The topic the message came from', example: 'inventory.command.reserve-stock.v1' })
  @IsOptional()
  @MaxLength(249)
  @Matches(NAME_PATTERN, { message: 'Must be a topic name (letters, digits, . _ -)' })
  topic?: string;

  @ApiPropertyOptional({ enum: DEAD_LETTER_STATUSES, enumName: 'DeadLetterStatus', description: 'parked: waiting for an operator' })
  @IsOptional()
  @IsIn(DEAD_LETTER_STATUSES, { message: `Must be one of ${DEAD_LETTER_STATUSES.join(', ')}` })
  status?: DeadLetterStatus;
}
