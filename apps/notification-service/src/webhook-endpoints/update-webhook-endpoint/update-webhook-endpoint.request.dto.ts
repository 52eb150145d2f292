import { WEBHOOK_EVENT_TYPES, WebhookEventType } from '@order-saga/contracts';
import { ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUrl, MaxLength, ValidateIf } from 'class-validator';
import { WEBHOOK_URL_OPTIONS } from '../register-webhook-endpoint/register-webhook-endpoint.request.dto';

/** Every field optional; the ones present replace the stored values. */
export class UpdateWebhookEndpointRequestDto {
  @IsOptional()
  @IsUrl(WEBHOOK_URL_OPTIONS, { message: 'url must be an http or https URL' })
  @MaxLength(2048)
  url?: string;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  event_types?: WebhookEventType[];

  /** null clears it. */
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
