import { GatewayError } from '../errors/gateway-error';
import { SecretCheckMetrics } from './secret-checks.metrics';

/**
 * Bounds the client secret checks (and the operators' password checks, the same scrypt) one gateway process
 * runs at once. Each is an scrypt run of tens of
 * milliseconds and ~32 MiB on libuv's thread pool (4 threads, shared with DNS look-ups and file I/O),
 * and anyone can ask for one: unknown client ids are checked too, so their answer takes as long as a
 * known one's. Unbounded, a flood of token requests would take the whole pool and grow memory by 32 MiB
 * per thread. So at most `running` checks run, `waiting` more wait their turn in arrival order, and a
 * request past both is answered 503 with Retry-After at once.
 */
export class SecretCheckGate {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(
    readonly running: number,
    readonly waiting: number,
    private readonly metrics: SecretCheckMetrics,
  ) {
    if (!Number.isInteger(running) || running < 1) throw new Error(`secret checks running must be a positive integer, got ${running}`);
    if (!Number.isInteger(waiting) || waiting < 0) throw new Error(`secret checks waiting must be a non-negative integer, got ${waiting}`);
    metrics.running.set(0);
    metrics.refused.inc(0);
  }

  /** Runs `check` when a slot is free; throws SERVICE_UNAVAILABLE at once when none is and the queue is full. */
  async run<T>(check: () => Promise<T>): Promise<T> {
    if (this.active >= this.running) {
      if (this.queue.length >= this.waiting) {
        this.metrics.refused.inc();
        throw new GatewayError('SERVICE_UNAVAILABLE', 'Too many credential checks at once; retry shortly', { 'Retry-After': '1' });
      }
      // The slot is handed over by the check that ends (see below), so `active` never drops in between.
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.active += 1;
      this.metrics.running.set(this.active);
    }
    try {
      return await check();
    } finally {
      const next = this.queue.shift();
      if (next) {
        next();
      } else {
        this.active -= 1;
        this.metrics.running.set(this.active);
      }
    }
  }
}
