import { UpstreamMetrics } from './upstream.metrics';

/** Gives back the slot a call took; calling it again does nothing. */
export type ReleaseSlot = () => void;

/**
 * A bound on the upstream calls one gateway process has in flight, with no queue: a call that finds
 * every slot taken is refused at once. Queueing it instead would only move the pile-up from the
 * service into the gateway, holding memory and the client's connection while the backlog grows.
 */
export class InFlightLimit {
  private inFlight = 0;

  constructor(
    /** The `limit` label of the metrics: `orders-write` or the service's name. */
    readonly name: string,
    readonly max: number,
    private readonly metrics: UpstreamMetrics,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`in-flight limit ${name} must be a positive integer, got ${max}`);
    // Both series exist from the start, so a dashboard shows 0 rather than nothing and rate() sees the first shed.
    metrics.inFlight.set({ limit: name }, 0);
    metrics.shed.inc({ limit: name }, 0);
  }

  get current(): number {
    return this.inFlight;
  }

  /**
   * Whether a call would get a slot now, counting a shed when not. For work a call does before it takes
   * its slot (reading the client's body): refused early when there is no room, without holding a slot
   * while a slow client is still sending.
   */
  admits(): boolean {
    if (this.inFlight < this.max) return true;
    this.metrics.shed.inc({ limit: this.name });
    return false;
  }

  /** A slot, or undefined (and one more shed counted) when all `max` are taken. */
  tryAcquire(): ReleaseSlot | undefined {
    if (this.inFlight >= this.max) {
      this.metrics.shed.inc({ limit: this.name });
      return undefined;
    }
    this.inFlight += 1;
    this.metrics.inFlight.inc({ limit: this.name });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      this.metrics.inFlight.dec({ limit: this.name });
    };
  }
}
