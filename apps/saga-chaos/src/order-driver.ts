import { randomUUID } from 'node:crypto';
import { clientCredentialsToken } from '@order-saga/shared/testing';
import { ClientOutcome } from './invariants';
import { PlannedOrder } from './workload';

export interface DriverOptions {
  /** Every gateway replica; attempts go round-robin, as behind a simple load balancer. */
  gateways: string[];
  clientId: string;
  clientSecret: string;
  /** Orders in flight at most (each one retrying until answered); a new order waits for a free slot. */
  concurrency: number;
  /**
   * Orders started per second: order i starts at i / rate after the first, whether earlier ones have been
   * answered or not (open loop, within `concurrency`). Absent: each slot starts its next order as soon as
   * its last one is answered (closed loop).
   */
  ratePerSecond?: number;
  /** Per order: stop retrying after this long and record 'gave-up'. */
  orderDeadlineMs: number;
  /** Per attempt: an answer slower than this counts as a dropped connection. */
  attemptTimeoutMs: number;
  log: (line: string) => void;
}

export interface DriverCounters {
  attempts: number;
  droppedConnections: number;
  retriedStatuses: Record<string, number>;
  /** Error answers (4xx/5xx) without the spec's error fields. */
  malformedErrors: number;
}

export interface DriverPacing {
  /** Orders/s asked for; undefined in the closed loop. */
  offeredRate?: number;
  /** (started − 1) ÷ (last start − first start). */
  achievedRate: number;
  /** Worst delay of a start behind its due time: the in-flight cap or the driver itself held it back. */
  maxStartLagMs: number;
  maxInFlight: number;
  concurrency: number;
}

/** When order `position` is due, ms after the first: i / rate in the open loop, at once in the closed one. */
export function startOffsetMs(position: number, ratePerSecond: number | undefined): number {
  return ratePerSecond ? (position * 1000) / ratePerSecond : 0;
}

/** Answers a client retries with the same idempotency key: the service may not have seen the request or may be restarting. */
const RETRIED_STATUSES = new Set([500, 502, 503, 504, 429]);
const SHIPPING_ADDRESS = { street: '1 Chaos Way', city: 'Springfield', postal_code: '12345', country: 'US' };

/**
 * Places orders through the gateways the way a careful API client does: one idempotency key per
 * order, and a retry with the same key whenever the connection drops or the answer is 5xx/429.
 */
export class OrderDriver {
  readonly counters: DriverCounters = { attempts: 0, droppedConnections: 0, retriedStatuses: {}, malformedErrors: 0 };
  answered = 0;
  private readonly pacing = {
    started: 0,
    firstStartMs: undefined as number | undefined,
    lastStartMs: undefined as number | undefined,
    maxStartLagMs: 0,
    maxInFlight: 0,
  };
  private token: string | undefined;
  private fetchingToken: Promise<string> | undefined;
  private nextGateway = 0;

  constructor(private readonly options: DriverOptions) {}

  async run(orders: PlannedOrder[]): Promise<ClientOutcome[]> {
    const outcomes: ClientOutcome[] = new Array(orders.length);
    const inFlight = new Set<Promise<void>>();
    const started = performance.now();
    for (const [position, order] of orders.entries()) {
      const dueAt = started + startOffsetMs(position, this.options.ratePerSecond);
      if (performance.now() < dueAt) await new Promise((resolve) => setTimeout(resolve, dueAt - performance.now()));
      while (inFlight.size >= this.options.concurrency) await Promise.race(inFlight);
      const startedAt = performance.now();
      this.pacing.firstStartMs ??= startedAt;
      this.pacing.lastStartMs = startedAt;
      this.pacing.maxStartLagMs = Math.max(this.pacing.maxStartLagMs, startedAt - dueAt);
      const placing = this.place(order).then((outcome) => {
        outcomes[order.index] = outcome;
        this.answered++;
        inFlight.delete(placing);
      });
      inFlight.add(placing);
      this.pacing.maxInFlight = Math.max(this.pacing.maxInFlight, inFlight.size);
    }
    await Promise.all(inFlight);
    this.pacing.started = orders.length;
    return outcomes;
  }

  /** How the orders were started: the rate achieved, and how far behind their due time they were. */
  pacingReport(): DriverPacing {
    const { started, firstStartMs, lastStartMs, maxStartLagMs, maxInFlight } = this.pacing;
    const span = (lastStartMs ?? 0) - (firstStartMs ?? 0);
    return {
      offeredRate: this.options.ratePerSecond,
      achievedRate: started > 1 && span > 0 ? ((started - 1) * 1000) / span : Number.NaN,
      maxStartLagMs,
      maxInFlight,
      concurrency: this.options.concurrency,
    };
  }

  private async place(order: PlannedOrder): Promise<ClientOutcome> {
    const deadline = Date.now() + this.options.orderDeadlineMs;
    const body = JSON.stringify({ customer_id: order.customerId, items: order.items, shipping_address: SHIPPING_ADDRESS });
    for (let attempt = 1; ; attempt++) {
      if (Date.now() > deadline) return { idempotencyKey: order.idempotencyKey, finalStatus: 'gave-up', attempts: attempt - 1 };
      if (attempt > 1) await backoff(attempt);
      this.counters.attempts++;
      let status: number;
      let text: string;
      let location: string | null;
      try {
        const token = await this.accessToken();
        const response = await fetch(`${this.gateway()}/api/v1/orders`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'x-idempotency-key': order.idempotencyKey,
            'x-request-id': `${order.idempotencyKey}-a${attempt}-${randomUUID().slice(0, 8)}`,
          },
          body,
          signal: AbortSignal.timeout(this.options.attemptTimeoutMs),
        });
        status = response.status;
        location = response.headers.get('location');
        text = await response.text();
      } catch {
        this.counters.droppedConnections++;
        continue;
      }
      const json = parseJson(text);
      if (status >= 400 && !isSpecError(json)) this.counters.malformedErrors++;
      if (status === 401) {
        this.token = undefined;
        this.count(status);
        continue;
      }
      if (RETRIED_STATUSES.has(status)) {
        this.count(status);
        continue;
      }
      // 409 naming the key: an earlier attempt's order is still running; the client polls that order.
      const inFlight = status === 409 && json?.error_code === 'CONFLICT' && typeof json.existing_order_id === 'string';
      const orderId = [json?.order_id, json?.existing_order_id, location?.match(/\/orders\/([^/?]+)/)?.[1]].find((id) => typeof id === 'string');
      return {
        idempotencyKey: order.idempotencyKey,
        finalStatus: status,
        ...(typeof json?.error_code === 'string' ? { errorCode: json.error_code } : {}),
        ...(inFlight ? { inFlight } : {}),
        ...(typeof orderId === 'string' ? { orderId } : {}),
        attempts: attempt,
      };
    }
  }

  /**
   * A client-credentials token; fetched again through any gateway when it is missing or refused. Orders that
   * need one while it is being fetched share that request: at 50 orders/s, one request each would queue on the
   * gateway's bounded secret checks and be refused.
   */
  private accessToken(): Promise<string> {
    if (this.token) return Promise.resolve(this.token);
    this.fetchingToken ??= this.fetchToken().finally(() => (this.fetchingToken = undefined));
    return this.fetchingToken;
  }

  private async fetchToken(): Promise<string> {
    const client = { id: this.options.clientId, secret: this.options.clientSecret };
    this.token = await clientCredentialsToken(this.gateway(), client, { scope: 'read write', timeoutMs: this.options.attemptTimeoutMs });
    return this.token;
  }

  private gateway(): string {
    const url = this.options.gateways[this.nextGateway % this.options.gateways.length];
    this.nextGateway++;
    return url;
  }

  private count(status: number): void {
    this.counters.retriedStatuses[status] = (this.counters.retriedStatuses[status] ?? 0) + 1;
  }
}

/** GET /api/v1/orders/:id through the gateways, as a client polls the Location of a 202; retries like place(). */
export async function fetchOrderStatus(gateways: string[], token: string, orderId: string, deadlineMs: number): Promise<string | undefined> {
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    if (attempt > 1) await backoff(attempt);
    try {
      const response = await fetch(`${gateways[attempt % gateways.length]}/api/v1/orders/${orderId}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(10_000),
      });
      const json = parseJson(await response.text());
      if (response.ok && typeof json?.status === 'string') return json.status;
      if (!RETRIED_STATUSES.has(response.status)) return `HTTP ${response.status}`;
    } catch {
      // dropped connection: try again
    }
  }
  return undefined;
}

/** Exponential, capped at 2 s, with jitter so retries of many clients do not arrive in lockstep. */
function backoff(attempt: number): Promise<void> {
  const base = Math.min(2000, 100 * 2 ** (attempt - 2));
  return new Promise((resolve) => setTimeout(resolve, base / 2 + Math.random() * base));
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The spec's error format: error_code, message, request_id, timestamp (details optional). */
function isSpecError(json: Record<string, unknown> | undefined): boolean {
  return typeof json?.error_code === 'string' && typeof json.message === 'string' && typeof json.request_id === 'string' && typeof json.timestamp === 'string';
}
