import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { WakeableLoop } from '@order-saga/shared/observability';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { Clock } from '../../domain/clock';
import { WebhookDeliveryRepository } from '../webhook-delivery.repository';
import { DeliverWebhooksHandler } from './deliver-webhooks.handler';

/**
 * Sends due webhook deliveries, at most DELIVERY_CONCURRENCY at a time and WEBHOOK_ENDPOINT_CONCURRENCY
 * per endpoint. Its claims run on a WakeableLoop: woken in-process when this process commits new or
 * re-queued deliveries (WebhookDeliveryRepository.onDue), and by its poll, which also picks up retries as
 * they fall due and what other replicas scheduled. Any number of replicas may run: a delivery is leased to
 * one of them before it is sent.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly claims: WakeableLoop;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly repository: WebhookDeliveryRepository,
    private readonly handler: DeliverWebhooksHandler,
    private readonly clock: Clock,
    private readonly config: NotificationServiceConfig,
    @InjectPinoLogger(WebhookDeliveryWorker.name) private readonly logger: PinoLogger,
  ) {
    this.claims = new WakeableLoop({
      tick: () => this.claim(),
      intervalMs: config.DELIVERY_POLL_INTERVAL_MS,
      onError: (error) => this.logger.error({ err: error }, 'claiming webhook deliveries failed; will retry'),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = this.repository.onDue(() => this.wake());
    this.claims.start();
    this.wake();
  }

  /** Stops claiming, then waits for the sends already under way so their attempts get recorded. */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.claims.stop();
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Claims now, or right after the claim under way. */
  wake(): void {
    this.claims.wake();
  }

  /** Resolves once nothing is being claimed or sent; for tests and orderly hand-over. */
  async idle(): Promise<void> {
    while (this.claims.ticking || this.inFlight.size > 0) {
      await Promise.all([this.claims.idle(), ...this.inFlight]);
    }
  }

  private async claim(): Promise<void> {
    while (!this.stopped) {
      const free = this.config.DELIVERY_CONCURRENCY - this.inFlight.size;
      if (free <= 0) return;
      // The send is aborted at the timeout, well inside the lease, so a live holder never overlaps a taker-over.
      const lockMs = this.config.WEBHOOK_TIMEOUT_MS + this.config.DELIVERY_LEASE_MARGIN_MS;
      const claimed = await this.repository.claimDue(this.clock.now(), { limit: free, perEndpoint: this.config.WEBHOOK_ENDPOINT_CONCURRENCY, lockMs });
      for (const delivery of claimed) {
        this.track(
          this.handler.deliver(delivery).then(
            () => undefined,
            // The lease runs out and the delivery is sent again: at least once, never lost.
            (error: Error) => this.logger.error({ err: error, delivery_id: delivery.deliveryId, order_id: delivery.orderId }, 'webhook attempt not recorded'),
          ),
        );
      }
      // Fewer than the free slots: everything due was claimed, but for endpoints at their concurrency cap.
      if (claimed.length < free) return;
    }
  }

  /**
   * A claim never waits for a send: it runs on every wake-up (new deliveries, the poll, a finished send)
   * with whatever slots are free, so a slow endpoint holds its own WEBHOOK_ENDPOINT_CONCURRENCY sends and
   * nothing else. A finished send always claims again: its recorded attempt freed a slot of this process
   * and a lease of its endpoint, and an endpoint capped by several replicas' sends together is invisible
   * from here, so "nothing can be waiting" cannot be known without asking.
   */
  private track(send: Promise<void>): void {
    const tracked = send.finally(() => {
      this.inFlight.delete(tracked);
      this.wake();
    });
    this.inFlight.add(tracked);
  }
}
