import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { WakeableLoop } from '@order-saga/shared/observability';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { InventoryServiceConfig } from '../../config/inventory-service.config';
import { ReleaseStockHandler } from '../release-stock/release-stock.handler';

const MAX_PER_SWEEP = 100;

/**
 * Second line of defence against leaked stock: a reservation nobody confirmed (the order was never
 * paid) nor released within RESERVATION_TTL_SECONDS goes back to `available`. The saga's own timeouts
 * are much shorter, so this only acts when the saga's compensation could not. Every replica sweeps;
 * `FOR UPDATE SKIP LOCKED` gives each expired reservation to one of them.
 */
@Injectable()
export class ExpireReservationsHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: WakeableLoop;

  constructor(
    private readonly dataSource: DataSource,
    private readonly releases: ReleaseStockHandler,
    config: InventoryServiceConfig,
    private readonly logger: PinoLogger,
  ) {
    this.loop = new WakeableLoop({
      tick: () => this.sweep(),
      intervalMs: config.RESERVATION_SWEEP_INTERVAL_MS,
      onError: (error) => this.logger.error({ err: error }, 'reservation expiry sweep failed; will retry'),
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Releases up to MAX_PER_SWEEP reservations expired at `now`, in one statement; returns how many. */
  async sweep(now = new Date()): Promise<number> {
    // One statement is its own transaction: no BEGIN/COMMIT needed around it.
    const released = await this.releases.releaseExpired(this.dataSource.manager, now, MAX_PER_SWEEP);
    for (const { orderId, reservationId } of released) {
      this.logger.warn({ order_id: orderId, reservation_id: reservationId }, 'unconfirmed reservation expired; stock released');
    }
    return released.length;
  }
}
