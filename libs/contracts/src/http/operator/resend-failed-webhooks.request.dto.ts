import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import { ApiClosedSchema } from '../api-closed-schema';
import { OperatorActionRequestDto } from './operator-action.request.dto';

/**
 * POST /operator/webhook-deliveries/resend-failed (operator, notification-service): the failed deliveries of
 * events since `since`, of one endpoint or of every endpoint of one client (exactly one of the two).
 */
@ApiClosedSchema('ResendFailedWebhooksRequestDto')
export class ResendFailedWebhooksRequestDto extends OperatorActionRequestDto {
  @ApiProperty({ format: 'date-time', description: 'Failed deliveries created at or after this instant are sent again' })
  @IsISO8601({ strict: true }, { message: 'Must be an ISO 8601 date-time' })
  since: string;

  @ApiPropertyOptional({ format: 'uuid', description: "This endpoint's failed deliveries (or give client_id)" })
  @IsOptional()
  @IsUUID('all', { message: 'Must be a UUID' })
  endpoint_id?: string;

  @ApiPropertyOptional({
    maxLength: 100,
    pattern: '^[A-Za-z0-9._~-]+$',
    description: 'The failed deliveries of every endpoint of this client (or give endpoint_id)',
  })
  @IsOptional()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9._~-]+$/, { message: 'Must be a client id (letters, digits, . _ ~ -)' })
  client_id?: string;
}
