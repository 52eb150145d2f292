import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { AuthenticatedRequest } from '../auth/access-token.guard';
import { GatewayError } from '../errors/gateway-error';
import { RateLimitMetrics } from './rate-limit.metrics';
import { routeClassOf } from './rate-limit.policy';
import { RateLimiter } from './rate-limiter';

/**
 * Runs after AccessTokenGuard, so limits are per client (the token's client_id) and requests
 * without a valid token are never charged to anyone. Sets the X-RateLimit-* headers on every
 * response it lets through or refuses.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly metrics: RateLimitMetrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const decision = await this.limiter.check(request.auth.clientId, request.auth.rateLimitTier, routeClassOf(request.method, request.path));

    response.setHeader('X-RateLimit-Limit', String(decision.limit));
    response.setHeader('X-RateLimit-Remaining', String(decision.remaining));
    response.setHeader('X-RateLimit-Reset', String(decision.resetAt));
    if (decision.burstRemaining !== undefined) response.setHeader('X-RateLimit-Burst-Remaining', String(decision.burstRemaining));
    if (decision.degraded) response.setHeader('X-RateLimit-Scope', 'local');
    if (!decision.allowed) {
      this.metrics.recordRejection(routeClassOf(request.method, request.path));
      throw new GatewayError(
        'RATE_LIMIT_EXCEEDED',
        'Rate limit exceeded',
        { 'Retry-After': String(decision.retryAfterSeconds) },
        { retry_after: decision.retryAfterSeconds },
      );
    }
    return true;
  }
}
