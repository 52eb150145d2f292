import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches, MaxLength } from 'class-validator';
import { PageRequestDto } from '../common/page.request.dto';
import { OPERATOR_USERNAME_PATTERN } from './operator-session.response.dto';

/** Every state-changing operator request is one of these; the audit log names it so. */
export const OPERATOR_ACTIONS = ['sign-in', 'sign-out', 'saga.retry', 'saga.cancel'] as const;
export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];

/** GET /api/v1/operator/audit-log: newest first; the filters are ANDed. */
export class ListAuditLogRequestDto extends PageRequestDto {
  @ApiPropertyOptional({ pattern: OPERATOR_USERNAME_PATTERN, description: "Only this operator's requests (the username)" })
  @IsOptional()
  @Matches(new RegExp(OPERATOR_USERNAME_PATTERN), { message: 'Must be an operator username' })
  operator?: string;

  @ApiPropertyOptional({ maxLength: 128, pattern: '^[A-Za-z0-9_-]+$', description: 'Only requests on this target (an order id)', example: 'ORD-12345678' })
  @IsOptional()
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'Must be an order id' })
  target?: string;

  @ApiPropertyOptional({ enum: OPERATOR_ACTIONS, enumName: 'OperatorAction' })
  @IsOptional()
  @IsIn(OPERATOR_ACTIONS, { message: `Must be one of ${OPERATOR_ACTIONS.join(', ')}` })
  action?: OperatorAction;
}
