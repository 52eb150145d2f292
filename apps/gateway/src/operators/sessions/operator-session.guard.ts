import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OPERATOR_AUDIT_TARGET_PATTERN } from '@order-saga/contracts/http/operator';
import { DomainError } from '@order-saga/shared/http';
import type { CookieOptions, Response } from 'express';
import { bearerTokenOf } from '../../auth/access-token.guard';
import { GatewayConfig } from '../../config/gateway.config';
import { GatewayError } from '../../errors/gateway-error';
import { OperatorAccountRepository } from '../accounts/operator-account.repository';
import { Clock } from '../clock';
import { changesState, OPERATOR_ACCESS, OperatorAccess, OperatorRequest } from '../operator-route';
import { accountAllowsSession } from './domain/session-lifetime';
import { OperatorSessionRepository } from './operator-session.repository';
import { clearSessionCookie, CSRF_HEADER, csrfTokenMatches, sessionCookieOptions, sessionIdOf } from './session-cookie';

/** Id-like targets only: the log keeps what a route could act on, not whatever text was in the path. */
const TARGET = new RegExp(OPERATOR_AUDIT_TARGET_PATTERN);
/** One parameter's part of a target; express decodes `%2F` in a parameter, which must not pass for a separator. */
const TARGET_PART = /^[A-Za-z0-9_-]+$/;

/**
 * The one gate of every operator route, in this order:
 *
 *   1. an `Authorization: Bearer` header → 403 FORBIDDEN: API clients, whatever their scopes, have no access here;
 *   2. the sign-in needs nothing more;
 *   3. a live session (cookie → Redis, idle timeout and absolute lifetime by the injected clock) of an account
 *      still enabled and not given a new password since → else 401 OPERATOR_SESSION_REQUIRED, the cookie cleared;
 *   4. on a POST, PUT, PATCH or DELETE, X-CSRF-Token equal to the session's token → else 403 CSRF_TOKEN_INVALID;
 *   5. the request counts as activity: the idle timeout starts again.
 *
 * Before any of it, a state-changing route's audit note is put on the request, so the audit log records
 * refusals too. A route without @OperatorRead/@OperatorChange/@OperatorSignIn fails closed (500).
 */
@Injectable()
export class OperatorSessionGuard implements CanActivate {
  private readonly cookieOptions: CookieOptions;

  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: OperatorSessionRepository,
    private readonly accounts: OperatorAccountRepository,
    private readonly clock: Clock,
    config: GatewayConfig,
  ) {
    this.cookieOptions = sessionCookieOptions(config);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.get<OperatorAccess | undefined>(OPERATOR_ACCESS, context.getHandler());
    const request = context.switchToHttp().getRequest<OperatorRequest>();
    const route = `${context.getClass().name}.${context.getHandler().name}`;
    if (!access) throw new Error(`${route} has no @OperatorRead, @OperatorChange or @OperatorSignIn`);
    // A change nobody would find in the audit log, or a read that asks for a CSRF token it never checks, is a bug.
    if (changesState(request.method) !== (access.action !== undefined)) {
      throw new Error(`${route}: ${request.method} ${access.action ? 'is not a change' : 'changes state'} but is declared otherwise`);
    }
    if (access.action) request.operatorAudit = { action: access.action, target: targetOf(request, access.targetParams), operator: null };

    if (bearerTokenOf(request.headers.authorization) !== undefined) {
      throw new GatewayError('FORBIDDEN', 'Operator routes take an operator session, not an access token', {});
    }
    if (!access.session) return true;

    const response = context.switchToHttp().getResponse<Response>();
    const now = this.clock.now();
    const sessionId = sessionIdOf(request.headers.cookie);
    const session = sessionId === undefined ? undefined : await this.sessions.find(sessionId, now);
    if (sessionId === undefined || session === undefined) throw this.signInAgain(response, sessionId !== undefined);
    if (request.operatorAudit) request.operatorAudit.operator = session.username;

    const account = await this.accounts.findByUsername(session.username);
    if (!account || !accountAllowsSession(account, session)) {
      await this.sessions.end(sessionId);
      throw this.signInAgain(response, true);
    }
    if (changesState(request.method) && !csrfTokenMatches(request.headers[CSRF_HEADER.toLowerCase()], session.csrfToken)) {
      throw new DomainError('CSRF_TOKEN_INVALID', `${CSRF_HEADER} is missing or is not this session's token`);
    }
    request.operator = { sessionId, session: await this.sessions.touch(sessionId, session, now), account };
    return true;
  }

  private signInAgain(response: Response, hadCookie: boolean): DomainError {
    if (hadCookie) clearSessionCookie(response, this.cookieOptions);
    return new DomainError('OPERATOR_SESSION_REQUIRED', 'Sign in first: there is no operator session, or it ended');
  }
}

/** The audit entry's target: the route parameters named, joined with `/`; null when one of them is not id-like. */
function targetOf(request: OperatorRequest, params: string[] | undefined): string | null {
  const parts = (params ?? []).map((name) => request.params[name]);
  if (parts.length === 0 || !parts.every((part) => typeof part === 'string' && TARGET_PART.test(part))) return null;
  const target = parts.join('/');
  return TARGET.test(target) ? target : null;
}
