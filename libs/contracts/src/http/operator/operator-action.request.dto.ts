import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { ApiClosedSchema } from '../api-closed-schema';

/** The body of an operator action on dead letters or webhooks: an id that makes it idempotent, and why. */
@ApiClosedSchema('OperatorActionRequestDto')
export class OperatorActionRequestDto {
  @ApiProperty({
    format: 'uuid',
    description: 'Makes the action idempotent: the same id again changes nothing and answers what the first request answered. New id per action.',
  })
  @IsUUID('all', { message: 'Must be a UUID' })
  action_id: string;

  @ApiProperty({ minLength: 1, maxLength: 500, description: 'Why the operator acts; recorded with the action', example: 'fixed in release 1.4.2' })
  @IsString()
  @MaxLength(500)
  @Matches(/\S/, { message: 'Must say why' })
  reason: string;
}
