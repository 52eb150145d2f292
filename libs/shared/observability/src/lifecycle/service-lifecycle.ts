import { BeforeApplicationShutdown, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

export type LifecycleState = 'starting' | 'ready' | 'draining';

export interface ReadinessCheck {
  /** Key in the /health/ready body: `database`, `kafka`, `redis`. */
  name: string;
  /** Resolves when the dependency answers; rejects (with the reason) when it does not. */
  check: () => Promise<void>;
  /**
   * A non-critical dependency is reported but does not make the service unready: the gateway limits
   * per process when Redis is away, so taking every gateway replica out of rotation for it would turn
   * a degraded rate limiter into an outage.
   */
  critical: boolean;
}

export interface ShutdownTask {
  name: string;
  run: () => Promise<void>;
}

/**
 * Where a service is in its life (starting → ready → draining), the readiness checks each module
 * registers, and the work to finish after HTTP and the Kafka consumer stopped but before the
 * database pools close (the outbox relay's last flush).
 *
 * Why the flush is here and not in the relay's own onApplicationShutdown: Nest runs shutdown hooks
 * of global modules in the order they were first imported, and TypeORM's (which destroys the pools)
 * comes before the messaging module's. This module is imported by DatabaseModule ahead of TypeORM,
 * so its hook runs first.
 */
@Injectable()
export class ServiceLifecycle implements BeforeApplicationShutdown, OnApplicationShutdown {
  private current: LifecycleState = 'starting';
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly tasks: ShutdownTask[] = [];
  /** Set from SHUTDOWN_DRAIN_DELAY_MS by enableGracefulShutdown. */
  drainDelayMs = 0;

  constructor(@InjectPinoLogger(ServiceLifecycle.name) private readonly logger: PinoLogger) {}

  get state(): LifecycleState {
    return this.current;
  }

  /** After HTTP listens and the consumers run (startServiceApp). */
  markReady(): void {
    if (this.current === 'starting') this.current = 'ready';
  }

  /** On SIGTERM, before anything stops: readiness answers 503 from now on. */
  markDraining(): void {
    this.current = 'draining';
  }

  addReadinessCheck(check: ReadinessCheck): void {
    this.checks.set(check.name, check);
  }

  readinessChecks(): ReadinessCheck[] {
    return [...this.checks.values()];
  }

  addShutdownTask(task: ShutdownTask): void {
    this.tasks.push(task);
  }

  /**
   * Runs before Nest closes the HTTP server and the consumers: readiness already answers 503, and a
   * load balancer that polls it gets this long to stop sending traffic before connections are refused.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.current = 'draining';
    if (this.drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.drainDelayMs));
  }

  async onApplicationShutdown(): Promise<void> {
    this.current = 'draining';
    for (const task of this.tasks) {
      const started = Date.now();
      try {
        await task.run();
        this.logger.info({ task: task.name, duration_ms: Date.now() - started }, `shutdown: ${task.name} done`);
      } catch (error) {
        this.logger.error({ err: error, task: task.name }, `shutdown: ${task.name} failed`);
      }
    }
  }
}
