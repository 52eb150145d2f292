import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUrl, MaxLength, ValidateIf } from 'class-validator';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../webhooks/webhook-event';
import { ApiClosedSchema } from '../api-closed-schema';
import { WEBHOOK_URL_OPTIONS } from './register-webhook-endpoint.request.dto';

/** PATCH /api/v1/webhooks/{webhookId}: every field optional; the ones present replace the stored values. */
@ApiClosedSchema('UpdateWebhookEndpointRequestDto')
export class UpdateWebhookEndpointRequestDto {
  @ApiPropertyOptional({ format: 'uri', maxLength: 2048, description: 'http or https' })
  @IsOptional()
  @IsUrl(WEBHOOK_URL_OPTIONS, { message: 'url must be an http or https URL' })
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, enumName: 'WebhookEventType', isArray: true, minItems: 1, uniqueItems: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  event_types?: WebhookEventType[];

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500, description: 'null clears it' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ description: 'true re-enables an endpoint, also one disabled by 410 Gone' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
