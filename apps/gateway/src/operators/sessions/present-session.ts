import type { OperatorSessionResponseDto } from '@order-saga/contracts/http/operator';
import type { OperatorAccount } from '../accounts/operator-account.entity';
import { absoluteEndOf, SessionLifetime } from './domain/session-lifetime';
import type { OperatorSession } from './operator-session.repository';

/** The session as the console sees it: who, the CSRF token, when it ends. Never the session id. */
export function presentSession(session: OperatorSession, account: OperatorAccount, lifetime: SessionLifetime): OperatorSessionResponseDto {
  return {
    operator: { username: account.username, display_name: account.displayName, role: account.role },
    csrf_token: session.csrfToken,
    created_at: new Date(session.createdAt).toISOString(),
    expires_at: new Date(absoluteEndOf(session, lifetime)).toISOString(),
    idle_timeout_seconds: Math.round(lifetime.idleTimeoutMs / 1000),
  };
}
