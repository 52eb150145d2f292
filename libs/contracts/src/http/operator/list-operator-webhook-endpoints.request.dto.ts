import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches, MaxLength } from 'class-validator';
import { PageRequestDto } from '../common/page.request.dto';

/** GET /operator/webhook-endpoints (operator, notification-service): every client's live endpoints, oldest first. */
export class ListOperatorWebhookEndpointsRequestDto extends PageRequestDto {
  @ApiPropertyOptional({ maxLength: 100, pattern: '^[A-Za-z0-9._~-]+$', description: "Only this API client's endpoints" })
  @IsOptional()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9._~-]+$/, { message: 'Must be a client id (letters, digits, . _ ~ -)' })
  client_id?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only enabled (true) or disabled (false) endpoints' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'Must be true or false' })
  enabled?: 'true' | 'false';
}
