import { applyDecorators, Controller, SetMetadata, UseFilters, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { OperatorAction } from '@order-saga/contracts/http/operator';
import type { Request } from 'express';
import { API_VERSION } from '../auth/api-v1-controller';
import { GatewayErrorFilter } from '../errors/gateway-error.filter';
import { OperatorErrorResponse } from '../openapi/api-responses';
import type { OperatorAccount } from './accounts/operator-account.entity';
import type { OperatorSession } from './sessions/operator-session.repository';
import { OperatorSessionGuard } from './sessions/operator-session.guard';

/** Every operator route is below this path, and so is the session cookie's Path. */
export const OPERATOR_ROUTES_PATH = `/api/${API_VERSION}/operator`;
export const OPERATOR_TAG = 'operator';
/** The OpenAPI security schemes of the operator routes: the session cookie, and the CSRF header that goes with it. */
export const OPERATOR_SESSION_SCHEME = 'operator-session';
export const OPERATOR_CSRF_SCHEME = 'operator-csrf';

/** What the audit log records of a state-changing operator request; the guard starts it, the sign-in adds the account it named. */
export interface OperatorAuditNote {
  action: OperatorAction;
  /** The route's target (an order id, a delivery id, `<service>/<dead letter id>`…), when it has one and it can be one. */
  target: string | null;
  /** The operator the request is on behalf of, once known. */
  operator: string | null;
}

export interface SignedInOperator {
  sessionId: string;
  session: OperatorSession;
  account: OperatorAccount;
}

/** `id` is the request id; `operatorAudit` is set on every state-changing operator request, `operator` once the session checked out. */
export type OperatorRequest = Request & { id: string; operatorAudit?: OperatorAuditNote; operator?: SignedInOperator };

/** What a route needs, read by OperatorSessionGuard: a session or not (sign-in), and for a change the audit action. */
export interface OperatorAccess {
  session: boolean;
  action?: OperatorAction;
  /** The route parameters that name the action's target, joined with `/` (a dead letter is `<service>/<id>`). */
  targetParams?: string[];
}

export const OPERATOR_ACCESS = 'gateway:operator-access';

/** Methods that change state: each needs the session's CSRF token and is written to the audit log. */
export function changesState(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

/**
 * Every controller of the operator API: below /api/v1/operator, behind OperatorSessionGuard (no bearer token,
 * a live session, the CSRF token on changes), with the gateway's error headers, under the `operator` tag. Each
 * route says what it needs with @OperatorRead, @OperatorChange or @OperatorSignIn; the guard refuses a route
 * that says nothing.
 */
export function OperatorController(path: string): ClassDecorator {
  const error = OperatorErrorResponse;
  return applyDecorators(
    Controller(`${OPERATOR_ROUTES_PATH.slice(1)}/${path}`),
    UseGuards(OperatorSessionGuard),
    UseFilters(GatewayErrorFilter),
    ApiTags(OPERATOR_TAG),
    ApiHeader({ name: 'X-Request-ID', required: false, description: '1–128 of [A-Za-z0-9._:-]; echoed back, or generated when absent or invalid' }),
    error(500, 'INTERNAL_ERROR: an unexpected failure; the body never carries internals'),
    error(503, 'SERVICE_UNAVAILABLE, with Retry-After: the session store (Redis) or a service behind the gateway is unreachable or at its limit'),
  );
}

const BEARER_REFUSED = 'FORBIDDEN: the request carries an Authorization: Bearer header; API clients have no access to operator routes';
const SESSION_REQUIRED = 'OPERATOR_SESSION_REQUIRED: no session cookie, or its session expired, was signed out or its account disabled or given a new password';

/** A read: a live operator session, no CSRF token. Not audited. */
export function OperatorRead(): MethodDecorator {
  return applyDecorators(
    SetMetadata(OPERATOR_ACCESS, { session: true } satisfies OperatorAccess),
    ApiSecurity(OPERATOR_SESSION_SCHEME),
    OperatorErrorResponse(401, SESSION_REQUIRED),
    OperatorErrorResponse(403, BEARER_REFUSED),
  );
}

/**
 * A change: a live session and its CSRF token; recorded in the audit log as `action` on the target the route
 * parameters `targetParams` name, allowed or refused.
 */
export function OperatorChange(action: OperatorAction, ...targetParams: string[]): MethodDecorator {
  return applyDecorators(
    SetMetadata(OPERATOR_ACCESS, { session: true, action, ...(targetParams.length > 0 ? { targetParams } : {}) } satisfies OperatorAccess),
    ApiSecurity({ [OPERATOR_SESSION_SCHEME]: [], [OPERATOR_CSRF_SCHEME]: [] }),
    OperatorErrorResponse(401, SESSION_REQUIRED),
    OperatorErrorResponse(403, `${BEARER_REFUSED}; CSRF_TOKEN_INVALID: X-CSRF-Token missing or not the session's`),
  );
}

/** The sign-in: the one operator route without a session. Audited like a change. */
export function OperatorSignIn(): MethodDecorator {
  return applyDecorators(
    SetMetadata(OPERATOR_ACCESS, { session: false, action: 'sign-in' } satisfies OperatorAccess),
    OperatorErrorResponse(401, 'INVALID_CREDENTIALS: unknown username, wrong password or a disabled account (which of them is not said)'),
    OperatorErrorResponse(403, BEARER_REFUSED),
    OperatorErrorResponse(429, 'RATE_LIMIT_EXCEEDED: too many sign-in attempts for this username or from this address; Retry-After says when to try again'),
  );
}
