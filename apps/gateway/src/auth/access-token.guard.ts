import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { GatewayError } from '../errors/gateway-error';
import { AccessTokens, InvalidAccessTokenError, REALM } from '../oauth/access-tokens';
import { IdentityProviderUnavailableError } from '../oauth/external-idp/external-idp';
import { hasScope, Scope } from '../oauth/scope';
import { RateLimitTier } from '../rate-limit/rate-limit.policy';

const REQUIRED_SCOPE = 'gateway:required-scope';

/** The scope a route needs: `read` for GET, `write` for anything that changes state. */
export const RequireScope = (scope: Scope): MethodDecorator => SetMetadata(REQUIRED_SCOPE, scope);

export interface RequestAuth {
  clientId: string;
  scope: string;
  tokenId: string;
  rateLimitTier: RateLimitTier;
}

/** `id` is pino-http's request id; `auth` is set by AccessTokenGuard before any /api/v1 controller runs. */
export type AuthenticatedRequest = Request & { id: string; auth: RequestAuth };

/**
 * Bearer token check for /api/v1 (RFC 6750): no usable token is 401, a valid token without the
 * route's scope is 403. Both carry a WWW-Authenticate challenge so clients know which case they hit.
 * An external identity provider whose keys cannot be fetched is 503: the token may well be good, and
 * a 401 would send the client to get a new one that fails the same way.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokens,
    @InjectPinoLogger(AccessTokenGuard.name) private readonly logger: PinoLogger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const needed = this.reflector.get<Scope | undefined>(REQUIRED_SCOPE, context.getHandler());
    // Fail closed: a route someone forgot to annotate answers 500, never serves anyone with any token.
    if (!needed) throw new Error(`${context.getClass().name}.${context.getHandler().name} has no @RequireScope`);

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerTokenOf(request.headers.authorization);
    if (token === undefined) {
      throw new GatewayError('UNAUTHORIZED', 'Missing access token', { 'WWW-Authenticate': challenge() });
    }

    let verified;
    try {
      verified = await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof IdentityProviderUnavailableError) {
        this.logger.warn({ err: error }, 'external identity provider unavailable, answering 503');
        throw new GatewayError('SERVICE_UNAVAILABLE', 'The identity provider could not be reached; retry shortly', { 'Retry-After': '5' });
      }
      if (!(error instanceof InvalidAccessTokenError)) throw error;
      const description = error.reason === 'expired' ? 'The access token expired' : 'The access token is invalid';
      throw new GatewayError('UNAUTHORIZED', 'Invalid or expired access token', {
        'WWW-Authenticate': challenge({ error: 'invalid_token', error_description: description }),
      });
    }

    if (!hasScope(verified.scope, needed)) {
      throw new GatewayError('FORBIDDEN', `Access token lacks the '${needed}' scope`, {
        'WWW-Authenticate': challenge({ error: 'insufficient_scope', scope: needed }),
      });
    }
    request.auth = { clientId: verified.clientId, scope: verified.scope, tokenId: verified.tokenId, rateLimitTier: verified.rateLimitTier };
    return true;
  }
}

/** The token of an `Authorization: Bearer` header; undefined when the request did not try Bearer at all. */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  const match = authorization === undefined ? null : /^Bearer(?: +(.*))?$/i.exec(authorization.trim());
  return match ? (match[1] ?? '').trim() : undefined;
}

function challenge(params: Record<string, string> = {}): string {
  const attributes = Object.entries({ realm: REALM, ...params }).map(([name, value]) => `${name}="${value}"`);
  return `Bearer ${attributes.join(', ')}`;
}
