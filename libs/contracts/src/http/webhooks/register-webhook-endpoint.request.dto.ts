import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../webhooks/webhook-event';
import { ApiClosedSchema } from '../api-closed-schema';

/** URL syntax only; whether its address may be reached is notification-service's network policy's call. */
export const WEBHOOK_URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

/** POST /api/v1/webhooks. */
@ApiClosedSchema('RegisterWebhookEndpointRequestDto')
export class RegisterWebhookEndpointRequestDto {
  // No TLD required: receivers inside a cluster or on localhost have bare host names.
  @ApiProperty({ format: 'uri', maxLength: 2048, description: 'http or https', example: 'https://shop.example.com/hooks/orders' })
  @IsUrl(WEBHOOK_URL_OPTIONS, { message: 'url must be an http or https URL' })
  @MaxLength(2048)
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, enumName: 'WebhookEventType', isArray: true, minItems: 1, uniqueItems: true, example: ['order.created'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  event_types: WebhookEventType[];

  @ApiPropertyOptional({ maxLength: 500, example: 'order updates for the shop' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ description: 'Default true' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
