import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageRequestDto } from '../common/page.request.dto';
import { WEBHOOK_DELIVERY_STATUSES, type WebhookDeliveryStatus } from '../webhooks/webhook-delivery.response.dto';
import { OPERATOR_WEBHOOK_EVENT_TYPES, type OperatorWebhookEventType } from './operator-webhook-delivery.response.dto';

/**
 * GET /operator/webhook-deliveries (operator, notification-service): every client's deliveries with their
 * attempts, newest first; the filters are ANDed (`order_id` alone: the deliveries of one order, for its saga page).
 */
export class ListOperatorWebhookDeliveriesRequestDto extends PageRequestDto {
  @ApiPropertyOptional({ enum: WEBHOOK_DELIVERY_STATUSES, enumName: 'WebhookDeliveryStatus' })
  @IsOptional()
  @IsIn(WEBHOOK_DELIVERY_STATUSES, { message: `Must be one of ${WEBHOOK_DELIVERY_STATUSES.join(', ')}` })
  status?: WebhookDeliveryStatus;

  @ApiPropertyOptional({ maxLength: 100, pattern: '^[A-Za-z0-9._~-]+$', description: "Only this API client's endpoints" })
  @IsOptional()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9._~-]+$/, { message: 'Must be a client id (letters, digits, . _ ~ -)' })
  client_id?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'Must be a UUID' })
  endpoint_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The event id the receiver sees' })
  @IsOptional()
  @IsUUID('all', { message: 'Must be a UUID' })
  event_id?: string;

  @ApiPropertyOptional({ enum: OPERATOR_WEBHOOK_EVENT_TYPES, enumName: 'OperatorWebhookEventType' })
  @IsOptional()
  @IsIn(OPERATOR_WEBHOOK_EVENT_TYPES, { message: `Must be one of ${OPERATOR_WEBHOOK_EVENT_TYPES.join(', ')}` })
  event_type?: OperatorWebhookEventType;

  @ApiPropertyOptional({ maxLength: 50, pattern: '^[A-Za-z0-9-]+$', example: 'ORD-12345678' })
  @IsOptional()
  @MaxLength(50)
  @Matches(/^[A-Za-z0-9-]+$/, { message: 'Must be an order id' })
  order_id?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only deliveries created at or after this instant (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'Must be an ISO 8601 date-time' })
  since?: string;
}
