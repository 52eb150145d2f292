import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';

/** What an operator may do. One role for now: every operator may read every saga and act on it. */
export const OPERATOR_ROLES = ['operator'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/**
 * An operator's username: lower case, 2–64 of letters, digits and . _ @ - (an e-mail address fits). It is the
 * operator's id everywhere (x-operator-id, saga timelines, the audit log), so it never changes.
 */
export const OPERATOR_USERNAME_PATTERN = '^[a-z0-9][a-z0-9._@-]{1,63}$';

@ApiClosedSchema('Operator', 'A signed-in operator')
export class OperatorResponseDto {
  @ApiProperty({ pattern: OPERATOR_USERNAME_PATTERN, description: "The operator's id in saga timelines and the audit log", example: 'ops@example.com' })
  username: string;

  @ApiProperty({ example: 'Jane Doe' })
  display_name: string;

  @ApiProperty({ enum: OPERATOR_ROLES, enumName: 'OperatorRole', example: 'operator' })
  role: OperatorRole;
}

/**
 * The answer to a sign-in and to GET /api/v1/operator/session. The session id itself is only in the HttpOnly
 * cookie; the CSRF token is here, for the page to keep in memory and send as X-CSRF-Token on every request
 * that changes something.
 */
@ApiClosedSchema('OperatorSession', "The operator's session: who, the CSRF token, when it ends")
export class OperatorSessionResponseDto {
  @ApiProperty({ type: OperatorResponseDto })
  operator: OperatorResponseDto;

  @ApiProperty({ description: 'Send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE of this session; the same for the whole session' })
  csrf_token: string;

  @ApiProperty({ format: 'date-time', description: 'When the operator signed in' })
  created_at: string;

  @ApiProperty({ format: 'date-time', description: 'When the session ends however active it is (the absolute lifetime)' })
  expires_at: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'The session also ends after this many seconds without a request', example: 1800 })
  idle_timeout_seconds: number;
}
