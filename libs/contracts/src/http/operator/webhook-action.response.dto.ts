import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';

export const WEBHOOK_ACTIONS = ['resend', 'resend-failed', 'send-test-event'] as const;
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

/**
 * What an operator's webhook action queued: each delivery named here gets one more attempt (a test event
 * its first) from the delivery worker, right away. A repeated request with the same action_id gets this
 * same body (and the header Idempotent-Replayed: true) and queues nothing.
 */
@ApiClosedSchema('WebhookActionResult', "An operator's resend or test event: the deliveries it queued")
export class WebhookActionResponseDto {
  @ApiProperty({ format: 'uuid' })
  action_id: string;

  @ApiProperty({ enum: WEBHOOK_ACTIONS, enumName: 'WebhookAction', example: 'resend' })
  action: WebhookAction;

  @ApiProperty({ example: 'ops@example.com' })
  operator_id: string;

  @ApiProperty({ example: 'receiver fixed their TLS certificate' })
  reason: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The endpoint acted on (resend-failed by client: null)' })
  endpoint_id: string | null;

  @ApiProperty({ description: 'The client whose endpoint (or endpoints, for resend-failed by client) the action was on', example: 'demo-client' })
  client_id: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'resend-failed: the instant given' })
  since: string | null;

  @ApiProperty({ type: [String], description: 'The deliveries queued for an attempt now (at most 1000 per action)' })
  delivery_ids: string[];

  @ApiProperty({ format: 'date-time' })
  occurred_at: string;
}
