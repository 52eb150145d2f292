import { createHash, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Response } from 'express';
import type { GatewayConfig } from '../../config/gateway.config';
import { OPERATOR_ROUTES_PATH } from '../operator-route';

/** The session cookie: HttpOnly (no page script reads it), SameSite=Strict, sent only to the operator routes. */
export const OPERATOR_SESSION_COOKIE = 'operator_session';
/** The header that carries the session's CSRF token on every state-changing operator request. */
export const CSRF_HEADER = 'X-CSRF-Token';

/** What OperatorSessionRepository issues: 256 bits, base64url. Anything else cannot be a session id. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * The session id of a Cookie header, or undefined. A browser sends the cookie of the most specific path first,
 * so with two of the same name the first counts; a value that cannot be a session id counts as none.
 */
export function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  if (cookieHeader === undefined) return undefined;
  for (const pair of cookieHeader.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== OPERATOR_SESSION_COOKIE) continue;
    const value = pair.slice(separator + 1).trim();
    return SESSION_ID.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * No Max-Age: a browser session cookie. The gateway decides when a session ends (idle timeout, absolute lifetime);
 * a cookie that outlives its session is refused and cleared. Secure whenever the gateway is reached over https.
 */
export function sessionCookieOptions(config: Pick<GatewayConfig, 'PUBLIC_BASE_URL'>): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', path: OPERATOR_ROUTES_PATH, secure: config.PUBLIC_BASE_URL.startsWith('https:') };
}

export function setSessionCookie(response: Response, sessionId: string, options: CookieOptions): void {
  response.cookie(OPERATOR_SESSION_COOKIE, sessionId, options);
}

export function clearSessionCookie(response: Response, options: CookieOptions): void {
  response.clearCookie(OPERATOR_SESSION_COOKIE, options);
}

/**
 * The header value against the session's token in constant time. Both sides are hashed first, so neither the
 * comparison nor a length check says how much of a guess was right.
 */
export function csrfTokenMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
