import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { Clock } from '../../domain/clock';
import { DeliveriesDue } from '../deliveries-due';
import { DeliverWebhooksHandler } from './deliver-webhooks.handler';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';

/**
 * Sends due webhook deliveries, at most DELIVERY_CONCURRENCY at a time and WEBHOOK_ENDPOINT_CONCURRENCY
 * per endpoint. Woken in-process when this process commits new or re-queued deliveries (DeliveriesDue),
 * and by a poll that also picks up retries as they fall due and what other replicas scheduled. Any number of
 * replicas may run: a delivery is leased to one of them before it is sent.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryWorker.name);
  private readonly inFlight = new Set<Promise<void>>();
  private claiming: Promise<void> | undefined;
  private rerun = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly repository: WebhookDeliveryRepository,
    private readonly handler: DeliverWebhooksHandler,
    private readonly due: DeliveriesDue,
    private readonly clock: Clock,
    private readonly config: NotificationServiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = this.due.subscribe(() => this.wake());
    this.timer = setInterval(() => this.wake(), this.config.DELIVERY_POLL_INTERVAL_MS);
    this.wake();
  }

  /** Stops claiming, then waits for the sends already under way so their attempts get recorded. */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.claiming;
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Runs one claim loop at a time; a wake-up during a claim schedules exactly one more. */
  wake(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.rerun = true;
      return;
    }
    this.claiming = this.claim()
      .catch((error: Error) => this.logger.error({ err: error }, 'claiming webhook deliveries failed; will retry'))
      .finally(() => {
        this.claiming = undefined;
        if (this.rerun) {
          this.rerun = false;
          this.wake();
        }
      });
  }

  /** Resolves once nothing is being claimed or sent; for tests and orderly hand-over. */
  async idle(): Promise<void> {
    while (this.claiming || this.inFlight.size > 0) {
      await Promise.all([this.claiming, ...this.inFlight]);
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
