import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';
import { FiguresWindowResponseDto } from './figures-window.response.dto';
import type { WebhookDeliveryStatus } from '../webhooks/webhook-delivery.response.dto';

@ApiClosedSchema('WebhookDeliveryCounts', 'Webhook deliveries by their status now')
export class WebhookDeliveryCountsResponseDto implements Record<WebhookDeliveryStatus, number> {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Answered with a 2xx' })
  succeeded: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Given up: the retry schedule ran out, or the endpoint answered 410' })
  failed: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Not settled yet: waiting for an attempt or a retry' })
  pending: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Never sent: the endpoint was deleted first' })
  cancelled: number;
}

const SUCCESS_RATE = {
  type: 'number',
  minimum: 0,
  maximum: 1,
  nullable: true,
  description: 'succeeded / (succeeded + failed), from 0 to 1; null when none of them has settled either way',
  example: 0.975,
} as const;

@ApiClosedSchema('WebhookFiguresMinute', 'The webhook deliveries created in one minute')
export class WebhookFiguresMinuteResponseDto {
  @ApiProperty({ format: 'date-time', description: 'The start of the minute' })
  minute: string;

  @ApiProperty({ type: WebhookDeliveryCountsResponseDto })
  deliveries: WebhookDeliveryCountsResponseDto;

  @ApiProperty(SUCCESS_RATE)
  success_rate: number | null;
}

@ApiClosedSchema('WebhookFigures', "The console's overview of webhooks: deliveries per status per minute and their success rate over the window")
export class WebhookFiguresResponseDto extends FiguresWindowResponseDto {
  @ApiProperty({
    type: WebhookDeliveryCountsResponseDto,
    description: "The deliveries created in the window (order events and operators' test events, every client), by their status now",
  })
  deliveries: WebhookDeliveryCountsResponseDto;

  @ApiProperty(SUCCESS_RATE)
  success_rate: number | null;

  @ApiProperty({ type: [WebhookFiguresMinuteResponseDto], description: 'Every minute of the window, oldest first, including those without deliveries' })
  minutes: WebhookFiguresMinuteResponseDto[];
}
