import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { PinoLogger } from 'nestjs-pino';
import { GatewayError } from '../errors/gateway-error';
import { AccessTokens } from '../oauth/access-tokens';
import { addKey, signingKeySetOf } from '../oauth/signing-keys/signing-keys';
import { AccessTokenGuard, AuthenticatedRequest, bearerTokenOf, RequireScope } from './access-token.guard';

let tokens: AccessTokens;
let guard: AccessTokenGuard;

beforeAll(async () => {
  const keys = await signingKeySetOf(await addKey(undefined, 'key-1'));
  tokens = new AccessTokens({ issuer: 'order-saga-gateway', audience: 'order-saga-api', ttlSeconds: 3600, keys });
  guard = new AccessTokenGuard(new Reflector(), tokens, new PinoLogger({ pinoHttp: { level: 'silent' } }));
});

class Routes {
  @RequireScope('write')
  placeOrder(): string {
    return 'placeOrder';
  }

  @RequireScope('read')
  getOrder(): string {
    return 'getOrder';
  }

  unannotated(): string {
    return 'unannotated';
  }
}

function requestWith(authorization?: string): AuthenticatedRequest {
  return { headers: authorization === undefined ? {} : { authorization } } as AuthenticatedRequest;
}

function attempt(route: keyof Routes, request: AuthenticatedRequest): Promise<boolean> {
  return guard.canActivate(new ExecutionContextHost([request, {}, () => undefined], Routes, Routes.prototype[route]));
}

async function refusalOf(route: keyof Routes, request: AuthenticatedRequest): Promise<GatewayError> {
  try {
    await attempt(route, request);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the guard to refuse');
}

describe('AccessTokenGuard', () => {
  it('lets a token with the route scope through and records its client on the request', async () => {
    const { token } = await tokens.issue('client-a', ['read', 'write']);
    const request = requestWith(`Bearer ${token}`);

    await expect(attempt('placeOrder', request)).resolves.toBe(true);
    expect(request.auth).toMatchObject({ clientId: 'client-a', scope: 'read write', rateLimitTier: 'standard' });
  });

  it('answers a request without a token with 401 and a bare Bearer challenge', async () => {
    const error = await refusalOf('getOrder', requestWith());

    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="order-saga"' });
  });

  it('treats credentials of another scheme as no token', async () => {
    const error = await refusalOf('getOrder', requestWith('Basic Y2xpZW50OnNlY3JldA=='));

    expect(error.headers['WWW-Authenticate']).toBe('Bearer realm="order-saga"');
  });

  it('answers an invalid token with 401 invalid_token', async () => {
    const error = await refusalOf('getOrder', requestWith('Bearer not.a.token'));

    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toBe('Invalid or expired access token');
    expect(error.headers['WWW-Authenticate']).toBe('Bearer realm="order-saga", error="invalid_token", error_description="The access token is invalid"');
  });

  it('says so when the token expired', async () => {
    const { token } = await tokens.issue('client-a', ['read'], new Date(Date.now() - 2 * 3600_000));

    const error = await refusalOf('getOrder', requestWith(`Bearer ${token}`));

    expect(error.headers['WWW-Authenticate']).toContain('error="invalid_token", error_description="The access token expired"');
  });

  it('answers an empty Bearer header with invalid_token', async () => {
    const error = await refusalOf('getOrder', requestWith('Bearer '));

    expect(error.headers['WWW-Authenticate']).toContain('error="invalid_token"');
  });

  it('answers a read-only token on a write route with 403 insufficient_scope', async () => {
    const { token } = await tokens.issue('client-a', ['read']);

    const error = await refusalOf('placeOrder', requestWith(`Bearer ${token}`));

    expect(error.code).toBe('FORBIDDEN');
    expect(error.headers['WWW-Authenticate']).toBe('Bearer realm="order-saga", error="insufficient_scope", scope="write"');
  });

  it('refuses a write-only token on a read route', async () => {
    const { token } = await tokens.issue('client-a', ['write']);

    expect((await refusalOf('getOrder', requestWith(`Bearer ${token}`))).code).toBe('FORBIDDEN');
  });

  it('fails closed on a route that names no scope', async () => {
    const { token } = await tokens.issue('client-a', ['read', 'write']);

    await expect(attempt('unannotated', requestWith(`Bearer ${token}`))).rejects.toThrow('Routes.unannotated has no @RequireScope');
  });
});

describe('bearerTokenOf', () => {
  it('reads the token whatever the case of the scheme', () => {
    expect(bearerTokenOf('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerTokenOf('bearer abc.def.ghi')).toBe('abc.def.ghi');
  });

  it('tells a missing token from a Bearer header without one', () => {
    expect(bearerTokenOf(undefined)).toBeUndefined();
    expect(bearerTokenOf('Basic abc')).toBeUndefined();
    expect(bearerTokenOf('Bearer')).toBe('');
    expect(bearerTokenOf('BearerXYZ')).toBeUndefined();
  });
});
