import { randomUUID } from 'node:crypto';
import { OrderSagaApiError, OrderSagaClient, RETRYABLE_STATUSES } from '@order-saga/sdk';
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

const SHIPPING_ADDRESS = { street: '1 Chaos Way', city: 'Springfield', postal_code: '12345', country: 'US' };

/**
 * Places orders through the gateways the way a careful API client does: one idempotency key per
 * order, and a retry with the same key whenever the connection drops or the answer is 5xx/429 (the SDK's
 * RETRYABLE_STATUSES). Each attempt is one call of the SDK, through the next gateway in turn; the retries
 * are this driver's own, so that it can count them, spread them over the gateways and stop at a deadline.
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
  /** One SDK client per gateway, each with its own token (orders that need one while it is fetched share that request). */
  private readonly clients: OrderSagaClient[];
  private nextGateway = 0;

  constructor(private readonly options: DriverOptions) {
    this.clients = options.gateways.map(
      (baseUrl) =>
        new OrderSagaClient({
          baseUrl,
          clientId: options.clientId,
          clientSecret: options.clientSecret,
          scope: 'read write',
          timeoutMs: options.attemptTimeoutMs,
          retry: { maxAttempts: 1 },
        }),
    );
  }

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
    const body = { customer_id: order.customerId, items: order.items, shipping_address: SHIPPING_ADDRESS };
    for (let attempt = 1; ; attempt++) {
      if (Date.now() > deadline) return { idempotencyKey: order.idempotencyKey, finalStatus: 'gave-up', attempts: attempt - 1 };
      if (attempt > 1) await backoff(attempt);
      this.counters.attempts++;
      const requestId = `${order.idempotencyKey}-a${attempt}-${randomUUID().slice(0, 8)}`;
      let answer: { status: number; body: Record<string, unknown> | undefined; location: string | null };
      try {
        const placed = await this.client().placeOrder(body, { idempotencyKey: order.idempotencyKey, requestId });
        answer = { status: placed.status, body: { ...placed.order }, location: placed.location };
      } catch (error) {
        if (!(error instanceof OrderSagaApiError)) {
          // No answer, or no token: the gateway is down or restarting.
          this.counters.droppedConnections++;
          continue;
        }
        answer = { status: error.status, body: error.body ? { ...error.body } : undefined, location: error.headers.get('location') };
        if (!isSpecError(answer.body)) this.counters.malformedErrors++;
      }
      const { status, body: json, location } = answer;
      // A 401 survived the fresh token the SDK fetched on the first one (a gateway restarting): tried again later.
      if (status === 401 || RETRYABLE_STATUSES.has(status)) {
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
   * GET /api/v1/orders/:id through the gateways, as a client polls the Location of a 202; retries like
   * place(). The order's status, `HTTP <status>` for an answer not retried, or undefined at the deadline.
   */
  async orderStatus(orderId: string, deadlineMs: number): Promise<string | undefined> {
    const deadline = Date.now() + deadlineMs;
    for (let attempt = 1; Date.now() < deadline; attempt++) {
      if (attempt > 1) await backoff(attempt);
      try {
        return (await this.client().getOrder(orderId)).status;
      } catch (error) {
        if (error instanceof OrderSagaApiError && !RETRYABLE_STATUSES.has(error.status)) return `HTTP ${error.status}`;
        // no answer, or one worth another attempt
      }
    }
    return undefined;
  }

  /** The next gateway's client, round-robin. */
  private client(): OrderSagaClient {
    const client = this.clients[this.nextGateway % this.clients.length];
    this.nextGateway++;
    return client;
  }

  private count(status: number): void {
    this.counters.retriedStatuses[status] = (this.counters.retriedStatuses[status] ?? 0) + 1;
  }
}

/** Exponential, capped at 2 s, with jitter so retries of many clients do not arrive in lockstep. */
function backoff(attempt: number): Promise<void> {
  const base = Math.min(2000, 100 * 2 ** (attempt - 2));
  return new Promise((resolve) => setTimeout(resolve, base / 2 + Math.random() * base));
}

/** The spec's error format: error_code, message, request_id, timestamp (details optional). */
function isSpecError(json: Record<string, unknown> | undefined): boolean {
  return typeof json?.error_code === 'string' && typeof json.message === 'string' && typeof json.request_id === 'string' && typeof json.timestamp === 'string';
}
