import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';
import { ApiClosedSchema } from '../api-closed-schema';

/** POST /api/v1/webhooks/{webhookId}/redeliver-failed. */
@ApiClosedSchema('RedeliverFailedRequestDto')
export class RedeliverFailedRequestDto {
  /** Failed deliveries of events created at or after this instant are sent again. */
  @ApiProperty({ format: 'date-time', description: 'Failed deliveries of events created at or after this instant are queued again' })
  @IsISO8601({ strict: true })
  since: string;
}
