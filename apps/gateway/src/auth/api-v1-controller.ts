import { applyDecorators, Controller, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { GatewayErrorFilter } from '../errors/gateway-error.filter';
import { ApiV1ErrorResponse } from '../openapi/api-responses';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { AccessTokenGuard } from './access-token.guard';

export const API_VERSION = 'v1';

/**
 * Every controller of the public /api/v1 surface: behind the access token guard, then the rate
 * limiter (per client, so after the token check), with the gateway's error headers and the
 * OpenAPI description of the errors every such route may answer (a route adds its own statuses,
 * and redeclaring one of these replaces it, so routes use ApiV1ErrorResponse for that too). Each route still names its scope
 * with @RequireScope.
 */
export function ApiV1Controller(path: string): ClassDecorator {
  const error = ApiV1ErrorResponse;
  return applyDecorators(
    Controller(`api/${API_VERSION}/${path}`),
    UseGuards(AccessTokenGuard, RateLimitGuard),
    UseFilters(GatewayErrorFilter),
    ApiTags(path.split('/')[0]),
    ApiBearerAuth(),
    ApiHeader({ name: 'X-Request-ID', required: false, description: '1–128 of [A-Za-z0-9._:-]; echoed back, or generated when absent or invalid' }),
    error(400, 'VALIDATION_ERROR: malformed JSON, wrong content type, oversized body, unknown or invalid fields'),
    error(401, 'UNAUTHORIZED: missing, malformed, expired or forged access token (WWW-Authenticate: Bearer error="invalid_token")'),
    error(403, 'FORBIDDEN: the token lacks the scope (WWW-Authenticate: Bearer error="insufficient_scope")'),
    error(429, 'RATE_LIMIT_EXCEEDED, with Retry-After and X-RateLimit-* headers'),
    error(500, 'INTERNAL_ERROR: an unexpected failure; the body never carries internals'),
    error(
      503,
      'SERVICE_UNAVAILABLE, with Retry-After: a service behind the gateway is down, or this gateway already has its limit of calls to it in flight (shed at once)',
    ),
  );
}
