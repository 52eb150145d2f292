import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiClosedSchema } from '../api-closed-schema';

export const MAX_SECRET_GRACE_PERIOD_SECONDS = 7 * 24 * 3600;

/** POST /api/v1/webhooks/{webhookId}/rotate-secret; an empty body takes the default grace period. */
@ApiClosedSchema('RotateWebhookSecretRequestDto')
export class RotateWebhookSecretRequestDto {
  /** How long the old secret keeps signing next to the new one; 0 ends it at once (a leaked secret). */
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_SECRET_GRACE_PERIOD_SECONDS,
    description: 'Seconds the previous secret keeps signing next to the new one (default 24 h); 0 retires it at once',
    example: 86400,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SECRET_GRACE_PERIOD_SECONDS)
  grace_period_seconds?: number;
}
