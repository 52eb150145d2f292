import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { WakeableLoop } from '@order-saga/shared/observability';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { Clock } from '../../domain/clock';
import { deleteExpiredDeliveries } from './delivery-retention';

/**
 * Keeps webhook_delivery and webhook_attempt bounded: every WEBHOOK_DELIVERY_RETENTION_INTERVAL_MS, each
 * replica deletes the settled deliveries created more than WEBHOOK_DELIVERY_RETENTION_MS ago, with their
 * attempts (deleteExpiredDeliveries). Replicas sweeping at once split the rows between them (SKIP LOCKED)
 * instead of queueing. A redelivered order event never needs its old delivery row: the inbox drops it first.
 */
@Injectable()
export class WebhookDeliveryRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sweeps: WakeableLoop;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly config: NotificationServiceConfig,
    @InjectPinoLogger(WebhookDeliveryRetention.name) private readonly logger: PinoLogger,
  ) {
    this.sweeps = new WakeableLoop({
      tick: async () => void (await this.sweep()),
      intervalMs: config.WEBHOOK_DELIVERY_RETENTION_INTERVAL_MS,
      onError: (error) => this.logger.warn({ err: error }, 'webhook delivery retention sweep failed, next interval retries'),
    });
  }

  onApplicationBootstrap(): void {
    this.sweeps.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeps.stop();
  }

  /** One sweep as of `now`; returns how many deliveries it deleted. */
  async sweep(now: Date = this.clock.now()): Promise<number> {
    const before = new Date(now.getTime() - this.config.WEBHOOK_DELIVERY_RETENTION_MS);
    const deleted = await deleteExpiredDeliveries(this.dataSource.manager, before, this.config.WEBHOOK_DELIVERY_RETENTION_CHUNK);
    if (deleted > 0) this.logger.info({ deleted, created_before: before.toISOString() }, 'expired webhook deliveries deleted');
    return deleted;
  }
}
