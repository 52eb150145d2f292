import { ApiProperty } from '@nestjs/swagger';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT_TYPE, type WebhookEventType, type WebhookTestEventType } from '../../webhooks/webhook-event';
import { ApiClosedSchema } from '../api-closed-schema';
import { PaginationResponseDto } from '../common/pagination.response.dto';
import {
  WEBHOOK_DELIVERY_STATUSES,
  WebhookAttemptResponseDto,
  type WebhookDeliveryFailureReason,
  type WebhookDeliveryStatus,
} from '../webhooks/webhook-delivery.response.dto';

/** The order events, and the test event an operator sends to an endpoint. */
export const OPERATOR_WEBHOOK_EVENT_TYPES = [...WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT_TYPE] as const;
export type OperatorWebhookEventType = WebhookEventType | WebhookTestEventType;

/**
 * A delivery as operators see it: the client's view (WebhookDelivery) plus whose endpoint and where it goes,
 * and the test events, which have no order.
 */
@ApiClosedSchema('OperatorWebhookDelivery', 'One event to one endpoint of any client, with all its attempts')
export class OperatorWebhookDeliveryResponseDto {
  @ApiProperty({ format: 'uuid' })
  delivery_id: string;

  @ApiProperty({ format: 'uuid' })
  endpoint_id: string;

  @ApiProperty({ example: 'demo-client' })
  client_id: string;

  @ApiProperty({ format: 'uri', example: 'https://shop.example.com/hooks/orders' })
  url: string;

  @ApiProperty({ format: 'uuid', description: 'The event id the receiver sees (the same on every attempt and resend)' })
  event_id: string;

  @ApiProperty({ enum: OPERATOR_WEBHOOK_EVENT_TYPES, enumName: 'OperatorWebhookEventType', example: 'order.created' })
  event_type: OperatorWebhookEventType;

  @ApiProperty({ type: String, nullable: true, description: 'Null for a test event', example: 'ORD-12345678' })
  order_id: string | null;

  @ApiProperty({ enum: WEBHOOK_DELIVERY_STATUSES, enumName: 'WebhookDeliveryStatus', example: 'failed' })
  status: WebhookDeliveryStatus;

  @ApiProperty({ enum: ['exhausted', 'gone', null], nullable: true, example: 'exhausted' })
  failure_reason: WebhookDeliveryFailureReason | null;

  @ApiProperty({ type: 'integer', minimum: 0, example: 5 })
  attempt_count: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the next attempt is due; null unless pending' })
  next_attempt_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_attempt_at: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: [WebhookAttemptResponseDto], description: 'Every attempt, first to last' })
  attempts: WebhookAttemptResponseDto[];
}

@ApiClosedSchema('OperatorWebhookDeliveryPage')
export class OperatorWebhookDeliveryPageResponseDto {
  @ApiProperty({ type: [OperatorWebhookDeliveryResponseDto] })
  data: OperatorWebhookDeliveryResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination: PaginationResponseDto;
}
