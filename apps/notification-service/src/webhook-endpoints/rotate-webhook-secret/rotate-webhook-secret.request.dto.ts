import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class RotateWebhookSecretRequestDto {
  /** How long the old secret keeps signing next to the new one; 0 ends it at once (a leaked secret). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600)
  grace_period_seconds?: number;
}
