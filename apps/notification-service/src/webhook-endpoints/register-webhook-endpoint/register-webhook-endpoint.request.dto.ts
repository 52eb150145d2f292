import { WEBHOOK_EVENT_TYPES, WebhookEventType } from '@order-saga/contracts';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';

export class RegisterWebhookEndpointRequestDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  client_id: string;

  // No TLD required: receivers inside a cluster or on localhost have bare host names.
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'url must be an http or https URL' })
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
}
