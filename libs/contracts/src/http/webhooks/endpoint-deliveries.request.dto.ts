import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { WEBHOOK_DELIVERY_STATUSES, type WebhookDeliveryStatus } from './webhook-delivery.response.dto';

/** GET /api/v1/webhooks/{webhookId}/deliveries query. */
export class EndpointDeliveriesRequestDto {
  @ApiPropertyOptional({ enum: WEBHOOK_DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(WEBHOOK_DELIVERY_STATUSES)
  status?: WebhookDeliveryStatus;

  /** Only deliveries created at or after this instant. */
  @ApiPropertyOptional({ format: 'date-time', description: 'Only deliveries created at or after this instant (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, description: 'Page size (default 50)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
