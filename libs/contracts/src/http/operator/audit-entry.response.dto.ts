import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';
import { PaginationResponseDto } from '../common/pagination.response.dto';
import { ERROR_CODES, type ErrorCode } from '../errors/error-code';
import { OPERATOR_ACTIONS, OPERATOR_AUDIT_TARGET_PATTERN, type OperatorAction } from './list-audit-log.request.dto';

@ApiClosedSchema('OperatorAuditEntry', 'One state-changing operator request and how it ended, allowed or refused')
export class OperatorAuditEntryResponseDto {
  @ApiProperty({ description: 'Increases with every entry', example: '1042' })
  entry_id: string;

  @ApiProperty({ format: 'date-time', description: 'When the gateway received the request' })
  occurred_at: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The operator (username): the session's, or for a sign-in the account it named; null when no account was known",
    example: 'ops@example.com',
  })
  operator: string | null;

  @ApiProperty({ enum: OPERATOR_ACTIONS, enumName: 'OperatorAction', example: 'saga.cancel' })
  action: OperatorAction;

  @ApiProperty({
    type: String,
    nullable: true,
    pattern: OPERATOR_AUDIT_TARGET_PATTERN,
    description:
      "What the action was on: a saga action's order id, a webhook resend's delivery id, a test event's endpoint id, " +
      'a dead letter as <service>/<id>, a redrive of many the service; null when the request named nothing (sign-in, sign-out, resend-failed)',
    example: 'ORD-12345678',
  })
  target: string | null;

  @ApiProperty({ type: 'integer', description: 'The HTTP status the operator got', example: 202 })
  status: number;

  @ApiProperty({ enum: ERROR_CODES, enumName: 'ErrorCode', nullable: true, description: 'The error_code of a refusal; null on success', example: null })
  error_code: ErrorCode | null;

  @ApiProperty({ description: "The request's X-Request-ID, also in the logs of every service it reached", example: 'c0a8012e-5a3b-4f7e-9d1c-2b6f0e4d8a11' })
  request_id: string;

  @ApiProperty({ type: String, nullable: true, description: 'The address the request came from', example: '10.0.0.7' })
  address: string | null;
}

@ApiClosedSchema('OperatorAuditPage')
export class OperatorAuditPageResponseDto {
  @ApiProperty({ type: [OperatorAuditEntryResponseDto] })
  data: OperatorAuditEntryResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination: PaginationResponseDto;
}
