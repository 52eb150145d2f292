import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageRequestDto } from '../common/page.request.dto';
import { OPERATOR_USERNAME_PATTERN } from './operator-session.response.dto';

/** Every state-changing operator request is one of these; the audit log names it so. */
export const OPERATOR_ACTIONS = [
  'sign-in',
  'sign-out',
  'saga.retry',
  'saga.cancel',
  'dead-letter.redrive',
  'dead-letter.redrive-all',
  'dead-letter.discard',
  'webhook.resend',
  'webhook.resend-failed',
  'webhook.test-event',
] as const;
export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];

/**
 * What an audit entry's action was on: an order id (saga actions), a webhook delivery or endpoint id, a service
 * (a redrive of its dead letters) or `<service>/<dead letter id>`, since each service numbers its own.
 */
export const OPERATOR_AUDIT_TARGET_PATTERN = '^[A-Za-z0-9_-]{1,128}(/[A-Za-z0-9_-]{1,128})?$';

/** GET /api/v1/operator/audit-log: newest first; the filters are ANDed. */
export class ListAuditLogRequestDto extends PageRequestDto {
  @ApiPropertyOptional({ pattern: OPERATOR_USERNAME_PATTERN, description: "Only this operator's requests (the username)" })
  @IsOptional()
  @Matches(new RegExp(OPERATOR_USERNAME_PATTERN), { message: 'Must be an operator username' })
  operator?: string;

  @ApiPropertyOptional({
    pattern: OPERATOR_AUDIT_TARGET_PATTERN,
    description: 'Only requests on this target: an order id, a webhook delivery or endpoint id, a service, or <service>/<dead letter id>',
    example: 'ORD-12345678',
  })
  @IsOptional()
  @Matches(new RegExp(OPERATOR_AUDIT_TARGET_PATTERN), { message: 'Must be an order, delivery or endpoint id, a service, or <service>/<dead letter id>' })
  target?: string;

  @ApiPropertyOptional({ enum: OPERATOR_ACTIONS, enumName: 'OperatorAction' })
  @IsOptional()
  @IsIn(OPERATOR_ACTIONS, { message: `Must be one of ${OPERATOR_ACTIONS.join(', ')}` })
  action?: OperatorAction;
}
