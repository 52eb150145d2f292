import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ServiceLifecycle } from '@order-saga/shared/observability';
import type Redis from 'ioredis';
import { GATEWAY_REDIS } from './rate-limit.tokens';

/**
 * Redis in the gateway's readiness report, as a non-critical check: without Redis the limiter counts
 * per process (see RateLimiter) and only the operator routes answer 503 (their sessions are there), so an
 * outage shows as `degraded` in /health/ready but does not take every gateway replica out of rotation.
 */
@Injectable()
export class RedisReadiness implements OnModuleInit {
  constructor(
    @Inject(GATEWAY_REDIS) private readonly redis: Redis,
    private readonly lifecycle: ServiceLifecycle,
  ) {}

  onModuleInit(): void {
    this.lifecycle.addReadinessCheck({
      name: 'redis',
      critical: false,
      check: async () => {
        if ((await this.redis.ping()) !== 'PONG') throw new Error('Redis did not answer PING');
      },
    });
  }
}
