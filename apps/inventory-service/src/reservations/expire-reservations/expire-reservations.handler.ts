import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
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
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly releases: ReleaseStockHandler,
    private readonly config: InventoryServiceConfig,
    private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((error: Error) => this.logger.error({ err: error }, 'reservation expiry sweep failed; will retry'))
        .finally(() => (this.running = undefined));
    }, this.config.RESERVATION_SWEEP_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
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
