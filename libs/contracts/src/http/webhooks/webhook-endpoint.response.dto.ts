import { ApiProperty } from '@nestjs/swagger';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../webhooks/webhook-event';
import { ApiClosedSchema } from '../api-closed-schema';

/** `client` when switched off through the API, `gone` when the receiver answered 410 and sending stopped. */
export type WebhookEndpointDisabledReason = 'client' | 'gone';

@ApiClosedSchema('WebhookEndpoint', 'A webhook endpoint of the calling client; its secret is never shown again after registration or rotation')
export class WebhookEndpointResponseDto {
  @ApiProperty({ format: 'uuid' })
  endpoint_id: string;

  @ApiProperty({ format: 'uri', example: 'https://shop.example.com/hooks/orders' })
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, enumName: 'WebhookEventType', isArray: true, example: ['order.created', 'order.cancelled'] })
  event_types: WebhookEventType[];

  @ApiProperty({ type: String, nullable: true, example: 'order updates for the shop' })
  description: string | null;

  @ApiProperty({ example: true })
  enabled: boolean;

  @ApiProperty({
    enum: ['client', 'gone', null],
    nullable: true,
    description: '`client` when switched off through the API, `gone` when the receiver answered 410; null while enabled',
    example: null,
  })
  disabled_reason: WebhookEndpointDisabledReason | null;

  /** While set, the previous secret still signs next to the current one (a rotation's grace period). */
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: "While set, the previous secret still signs next to the current one (a rotation's grace period)",
  })
  previous_secret_expires_at: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time' })
  updated_at: string;
}

/** Only registration and rotation answer with the secret; nothing can read it back afterwards. */
@ApiClosedSchema('WebhookEndpointWithSecret', 'Only registration and rotation answer with the secret')
export class WebhookEndpointWithSecretResponseDto extends WebhookEndpointResponseDto {
  @ApiProperty({
    pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$',
    description: 'Signing secret (Standard Webhooks: whsec_ and base64); shown only in this response',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  })
  secret: string;
}

@ApiClosedSchema('WebhookEndpointList')
export class WebhookEndpointListResponseDto {
  @ApiProperty({ type: [WebhookEndpointResponseDto] })
  data: WebhookEndpointResponseDto[];
}
