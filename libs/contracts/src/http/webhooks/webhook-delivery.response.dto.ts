import { ApiProperty } from '@nestjs/swagger';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../webhooks/webhook-event';
import { ApiClosedSchema } from '../api-closed-schema';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'cancelled'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** `exhausted`: the retry schedule ran out; `gone`: the endpoint answered 410. */
export type WebhookDeliveryFailureReason = 'exhausted' | 'gone';

@ApiClosedSchema('WebhookAttempt', 'One HTTP attempt of a delivery')
export class WebhookAttemptResponseDto {
  @ApiProperty({ type: 'integer', minimum: 1 })
  attempt_number: number;

  @ApiProperty({ format: 'date-time' })
  attempted_at: string;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: "The receiver's HTTP status; null when no answer came (timeout, refused connection)",
    example: 200,
  })
  status_code: number | null;

  @ApiProperty({ type: 'integer', minimum: 0, example: 42 })
  duration_ms: number;

  @ApiProperty({ type: String, nullable: true, description: 'Why the attempt failed, when it did', example: null })
  error: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The start of the receiver's answer, bounded", example: 'ok' })
  response_excerpt: string | null;
}

@ApiClosedSchema('WebhookDelivery', 'One event to one endpoint, with all its attempts')
export class WebhookDeliveryResponseDto {
  @ApiProperty({ format: 'uuid' })
  delivery_id: string;

  @ApiProperty({ format: 'uuid' })
  endpoint_id: string;

  @ApiProperty({ format: 'uuid', description: 'The event id the receiver sees (the same on every attempt and on a manual retry)' })
  event_id: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, enumName: 'WebhookEventType', example: 'order.created' })
  event_type: WebhookEventType;

  @ApiProperty({ example: 'ORD-12345678' })
  order_id: string;

  @ApiProperty({
    enum: WEBHOOK_DELIVERY_STATUSES,
    enumName: 'WebhookDeliveryStatus',
    description: '`cancelled`: its endpoint was deleted before it could be sent',
    example: 'succeeded',
  })
  status: WebhookDeliveryStatus;

  @ApiProperty({
    enum: ['exhausted', 'gone', null],
    nullable: true,
    description: 'Set when failed: `exhausted` (the schedule ran out) or `gone` (the endpoint answered 410)',
    example: null,
  })
  failure_reason: WebhookDeliveryFailureReason | null;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  attempt_count: number;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the next attempt is due; null once the delivery succeeded or was given up',
  })
  next_attempt_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_attempt_at: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: [WebhookAttemptResponseDto] })
  attempts: WebhookAttemptResponseDto[];
}

@ApiClosedSchema('WebhookDeliveryList')
export class WebhookDeliveryListResponseDto {
  @ApiProperty({ type: [WebhookDeliveryResponseDto] })
  data: WebhookDeliveryResponseDto[];
}

@ApiClosedSchema('WebhookRetryQueued', 'The delivery is due again now')
export class WebhookRetryQueuedResponseDto {
  @ApiProperty({ format: 'uuid' })
  delivery_id: string;

  @ApiProperty({ enum: ['pending'], example: 'pending' })
  status: 'pending';

  @ApiProperty({ format: 'date-time' })
  next_attempt_at: string;
}

@ApiClosedSchema('WebhookRedeliveryQueued', 'How many failed deliveries were queued again')
export class WebhookRedeliveryQueuedResponseDto {
  @ApiProperty({ format: 'uuid' })
  endpoint_id: string;

  @ApiProperty({ format: 'date-time' })
  since: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 3 })
  queued: number;
}
