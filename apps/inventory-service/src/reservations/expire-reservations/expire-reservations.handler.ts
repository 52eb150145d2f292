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

  /** Releases reservations expired at `now`; returns how many. */
  async sweep(now = new Date()): Promise<number> {
    let released = 0;
    while (released < MAX_PER_SWEEP) {
      const found = await this.dataSource.transaction(async (manager) => {
        const due: { reservation_id: string; order_id: string }[] = await manager.query(
          `SELECT reservation_id, order_id FROM reservation
            WHERE status = 'reserved' AND confirmed_at IS NULL AND expires_at <= $1
            ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [now],
        );
        if (due.length === 0) return false;
        await this.releases.release(manager, due[0].reservation_id, 'expired', now);
        this.logger.warn({ order_id: due[0].order_id, reservation_id: due[0].reservation_id }, 'unconfirmed reservation expired; stock released');
        return true;
      });
      if (!found) break;
      released++;
    }
    return released;
  }
}
