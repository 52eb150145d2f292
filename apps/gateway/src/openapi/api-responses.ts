import { Type } from '@nestjs/common';
import { ApiResponse, HeaderObject, SchemaObject } from '@nestjs/swagger';
import { ApiErrorResponseDto } from '@order-saga/contracts/http';
import { IDEMPOTENT_REPLAYED_HEADER } from '@order-saga/contracts/http/operator';

type Headers = Record<string, HeaderObject>;

const stringHeader = (description: string, required: boolean, schema: SchemaObject = { type: 'string' }): HeaderObject => ({ description, required, schema });

/** Set by middleware that runs before any route, so every answer carries them, errors included. */
export const EVERY_RESPONSE_HEADERS: Headers = {
  'X-Request-ID': stringHeader("The request's id: the client's X-Request-ID when valid (1–128 of [A-Za-z0-9._:-]), else a generated UUID", true),
  'API-Version': stringHeader('The API version that answered', true, { type: 'string', enum: ['v1'] }),
};

/**
 * Set by the rate limiter, which runs after the token check: present on every answer that got that far
 * (required; a 503 is the upstream proxy's, so it did), possibly on a 400 or 500 (which can also come
 * earlier, from the body parser or a bug), never on 401/403.
 */
function rateLimitHeaders(required: boolean): Headers {
  return {
    'X-RateLimit-Limit': stringHeader('Requests allowed in the governing window', required, { type: 'integer', minimum: 0 }),
    'X-RateLimit-Remaining': stringHeader('Requests left in that window (0 during a burst)', required, { type: 'integer', minimum: 0 }),
    'X-RateLimit-Reset': stringHeader('Unix time (seconds) when that window restarts', required, { type: 'integer', minimum: 0 }),
    'X-RateLimit-Burst-Remaining': stringHeader('Requests left of the one-off burst allowance, while it lasts', false, { type: 'integer', minimum: 0 }),
    'X-RateLimit-Scope': stringHeader('`local` while Redis is unreachable and each gateway limits on its own', false, { type: 'string', enum: ['local'] }),
  };
}

const RETRY_AFTER: Headers = { 'Retry-After': stringHeader('Seconds to wait before retrying', true, { type: 'integer', minimum: 0 }) };
const WWW_AUTHENTICATE: Headers = { 'WWW-Authenticate': stringHeader('RFC 6750 Bearer challenge naming the error (invalid_token, insufficient_scope)', true) };

/** Headers of an /api/v1 answer with this status, as the gateway's middleware, guards and filters set them. */
export function apiV1Headers(status: number): Headers {
  const beforeRateLimit = status === 401 || status === 403;
  const maybeBeforeRateLimit = status === 400 || status === 500;
  return {
    ...EVERY_RESPONSE_HEADERS,
    ...(beforeRateLimit ? WWW_AUTHENTICATE : rateLimitHeaders(!maybeBeforeRateLimit)),
    ...(status === 429 || status === 503 ? RETRY_AFTER : {}),
  };
}

/** A success of an /api/v1 route with a JSON body of `type`, or no body for a 204. */
export function ApiV1Response(status: number, description: string, type?: Type<unknown>, headers: Headers = {}): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, ...(type ? { type } : {}), headers: { ...apiV1Headers(status), ...headers } });
}

/** An error of an /api/v1 route: always the seed's error format. */
export function ApiV1ErrorResponse(status: number, description: string): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, type: ApiErrorResponseDto, headers: apiV1Headers(status) });
}

/**
 * Headers of an operator route's answer: no rate-limit headers (only the sign-in is limited, per username and
 * address, not per client) and no Bearer challenge (operators have a session cookie, not a token).
 */
export function operatorHeaders(status: number): Headers {
  return { ...EVERY_RESPONSE_HEADERS, ...(status === 429 || status === 503 ? RETRY_AFTER : {}) };
}

/** A success of an operator route with a JSON body of `type`, or no body for a 204. */
export function OperatorResponse(status: number, description: string, type?: Type<unknown>, headers: Headers = {}): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, ...(type ? { type } : {}), headers: { ...operatorHeaders(status), ...headers } });
}

/** An error of an operator route: the seed's error format, like every other. */
export function OperatorErrorResponse(status: number, description: string): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, type: ApiErrorResponseDto, headers: operatorHeaders(status) });
}

/** On an operator action's answer: the service's header, relayed when the action id was taken before. */
export const IDEMPOTENT_REPLAYED: Headers = {
  [IDEMPOTENT_REPLAYED_HEADER]: stringHeader('true on the answer to an action_id already taken: the first answer again, nothing done now', false, {
    type: 'string',
    enum: ['true'],
  }),
};
