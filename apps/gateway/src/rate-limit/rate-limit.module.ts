import { Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { GatewayConfig } from '../config/gateway.config';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitMetrics } from './rate-limit.metrics';
import { RateLimiter } from './rate-limiter';
import { GATEWAY_REDIS } from './rate-limit.tokens';
import { RedisReadiness } from './redis.readiness';

const READY_WAIT_MS = 3000;

/** Waits briefly for Redis at boot, and closes the connection on shutdown. */
@Injectable()
class RateLimitRedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(GATEWAY_REDIS) private readonly redis: Redis,
    @InjectPinoLogger('RateLimitRedis') private readonly logger: PinoLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.redis.status === 'ready') return;
    // Not fatal: without Redis the gateway limits per process (see RateLimiter), so it may still start.
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), READY_WAIT_MS);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!ready) this.logger.warn('Redis is not reachable at start-up: rate limits are enforced per gateway process until it is');
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}

@Module({
  providers: [
    {
      provide: GATEWAY_REDIS,
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => {
        const redis = new Redis(config.REDIS_URL, {
          // Fail fast instead of queueing while disconnected: a request must not wait for Redis to come back.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          connectTimeout: 1000,
          retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
        });
        // ioredis emits 'error' on every failed reconnect; the limiter logs the outage, so only keep the process alive here.
        redis.on('error', () => undefined);
        return redis;
      },
    },
    RateLimitRedisLifecycle,
    RedisReadiness,
    {
      provide: RateLimiter,
      inject: [GATEWAY_REDIS, GatewayConfig, PinoLogger],
      useFactory: (redis: Redis, config: GatewayConfig, logger: PinoLogger) =>
        new RateLimiter(
          redis,
          {
            perMinute: {
              'orders-write': config.RATE_LIMIT_ORDERS_WRITE_PER_MINUTE,
              'orders-read': config.RATE_LIMIT_ORDERS_READ_PER_MINUTE,
              search: config.RATE_LIMIT_SEARCH_PER_MINUTE,
              default: config.RATE_LIMIT_DEFAULT_PER_MINUTE,
            },
            perDay: config.RATE_LIMIT_PER_DAY,
            burstPercent: config.RATE_LIMIT_BURST_PERCENT,
            burstSeconds: config.RATE_LIMIT_BURST_SECONDS,
            sandboxMultiplier: config.RATE_LIMIT_SANDBOX_MULTIPLIER,
          },
          config.RATE_LIMIT_KEY_PREFIX,
          logger,
        ),
    },
    RateLimitMetrics,
    RateLimitGuard,
  ],
  exports: [GATEWAY_REDIS, RateLimiter, RateLimitMetrics, RateLimitGuard],
})
export class RateLimitModule {}
