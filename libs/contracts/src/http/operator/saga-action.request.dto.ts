import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { ApiClosedSchema } from '../api-closed-schema';

/** POST /sagas/{order_id}/retry and POST /sagas/{order_id}/cancel (operator). */
@ApiClosedSchema('SagaActionRequestDto')
export class SagaActionRequestDto {
  @ApiProperty({
    format: 'uuid',
    description: 'Makes the action idempotent: the same id again changes nothing and answers what the first request answered. New id per action.',
  })
  @IsUUID('all', { message: 'Must be a UUID' })
  action_id: string;

  @ApiProperty({ minLength: 1, maxLength: 500, description: 'Why the operator acts; recorded on the saga timeline', example: 'payment provider outage' })
  @IsString()
  @MaxLength(500)
  @Matches(/\S/, { message: 'Must say why' })
  reason: string;
}
