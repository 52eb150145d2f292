import { WEBHOOK_EVENT_TYPES, WebhookEventType } from '@order-saga/contracts';
import { ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';

/** URL syntax only; whether its address may be reached is the network policy's call (WebhookUrlValidator). */
export const WEBHOOK_URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class RegisterWebhookEndpointRequestDto {
  // No TLD required: receivers inside a cluster or on localhost have bare host names.
  @IsUrl(WEBHOOK_URL_OPTIONS, { message: 'url must be an http or https URL' })
  @MaxLength(2048)
  url: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  event_types: WebhookEventType[];

  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
