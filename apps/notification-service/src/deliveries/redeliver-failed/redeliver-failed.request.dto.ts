import { IsISO8601 } from 'class-validator';

export class RedeliverFailedRequestDto {
  /** Failed deliveries of events created at or after this instant are sent again. */
  @IsISO8601({ strict: true })
  since: string;
}
