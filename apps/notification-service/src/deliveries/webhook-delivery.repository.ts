import { Injectable } from '@nestjs/common';
import { WEBHOOK_DELIVERY_FAILED, WEBHOOK_TEST_EVENT_TYPE, WebhookEventType, WebhookTestEventType } from '@order-saga/contracts';
import { afterCommit, DeferredStatement } from '@order-saga/shared/database';
import { Outbox } from '@order-saga/shared/messaging';
import { isUUID } from 'class-validator';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource, EntityManager } from 'typeorm';
import { DeliveryDecision } from '../domain/retry-schedule';

/** An order event to schedule deliveries of, as the statement takes it. */
export interface EventToSchedule {
  eventId: string;
  eventType: string;
  orderId: string;
  clientId: string;
  /** The exact bytes signed and sent on every attempt. */
  body: string;
  firstAttemptAt: Date;
}

/** What a request to re-queue one delivery found. */
export type RequeueResult = 'queued' | 'not found' | 'being sent';

/** Whose failed deliveries requeueFailed puts back in line: one endpoint's, or those of every endpoint of one client. */
export type FailedDeliveriesScope = { endpointId: string } | { clientId: string };

/** An operator's test event to one endpoint, as queueTestEvent takes it. */
export interface TestEventToQueue {
  endpointId: string;
  eventId: string;
  /** The exact bytes signed and sent. */
  body: string;
}

/** A delivery this process holds until `locked_until`, with what it needs to send it. */
export interface ClaimedDelivery {
  deliveryId: string;
  endpointId: string;
  clientId: string;
  eventId: string;
  eventType: WebhookEventType | WebhookTestEventType;
  /** Null for an operator's test event. */
  orderId: string | null;
  body: string;
  url: string;
  /** Newest first: the current secret, then the rotated-out one while its grace period lasts. */
  secrets: string[];
  /** Attempts recorded when it was claimed: this send is attempt `attemptCount + 1` unless another replica's got in between. */
  attemptCount: number;
}

export interface AttemptResult {
  attemptedAt: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

export interface RecordedAttempt {
  attemptNumber: number;
  decision: DeliveryDecision;
  /** False when the delivery had already reached a final status (e.g. its endpoint was deleted meanwhile). */
  applied: boolean;
}

/** One finished send to record; `decide` says what becomes of the delivery after `attemptsMade` attempts. */
export interface AttemptToRecord {
  delivery: ClaimedDelivery;
  attempt: AttemptResult;
  decide: (attemptsMade: number) => DeliveryDecision;
}

export interface ClaimLimits {
  /** Free send slots of this process. */
  limit: number;
  /** Most leases one endpoint may hold across all replicas. */
  perEndpoint: number;
  lockMs: number;
}

/**
 * Every event of a transaction (a consumer batch) in one statement: one pending delivery per event and
 * per endpoint of the event's client that wants its type, in the events' order. A redelivered event
 * (same id) schedules nothing new.
 */
const SCHEDULE = `
  INSERT INTO webhook_delivery (delivery_id, endpoint_id, event_id, event_type, order_id, body, status, attempt_count, next_attempt_at)
  SELECT gen_random_uuid(), endpoint.endpoint_id, event.event_id, event.event_type, event.order_id, event.body, 'pending', 0, event.first_attempt_at
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) WITH ORDINALITY
         AS event (event_id, event_type, order_id, client_id, body, first_attempt_at, position)
    JOIN webhook_endpoint endpoint
      ON endpoint.client_id = event.client_id AND endpoint.enabled AND endpoint.deleted_at IS NULL AND event.event_type = ANY (endpoint.event_types)
   ORDER BY event.position
  ON CONFLICT (endpoint_id, event_id) DO NOTHING
  RETURNING delivery_id`;

interface ClaimedRow {
  delivery_id: string;
  endpoint_id: string;
  client_id: string;
  event_id: string;
  event_type: WebhookEventType | WebhookTestEventType;
  order_id: string | null;
  body: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  attempt_count: number;
}

/**
 * Records attempts whose delivery stays live (succeeded, or pending with its next attempt) in one
 * statement: a compare-and-set on (status, attempt_count) as claimed, which the row lock of the UPDATE
 * re-checks, and each attempt's row for the deliveries it moved. Returns the ids it moved; the others
 * (an expired lease let another replica record first, the endpoint was deleted meanwhile) go through
 * recordAttempt, which reads what is there under the lock.
 */
const RECORD_LIVE = `
  WITH attempt AS (
         SELECT *
           FROM unnest($1::uuid[], $2::integer[], $3::timestamptz[], $4::integer[], $5::integer[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
                AS attempt (delivery_id, attempt_number, attempted_at, status_code, duration_ms, error, response_excerpt, status, next_attempt_at)
       ),
       moved AS (
         UPDATE webhook_delivery delivery
            SET attempt_count = attempt.attempt_number,
                last_attempt_at = attempt.attempted_at,
                status = attempt.status,
                next_attempt_at = COALESCE(attempt.next_attempt_at, delivery.next_attempt_at),
                failure_reason = NULL,
                locked_until = NULL
           FROM attempt
          WHERE delivery.delivery_id = attempt.delivery_id AND delivery.status = 'pending' AND delivery.attempt_count = attempt.attempt_number - 1
         RETURNING delivery.delivery_id
       ),
       logged AS (
         INSERT INTO webhook_attempt (attempt_id, delivery_id, attempt_number, attempted_at, status_code, duration_ms, error, response_excerpt)
         SELECT gen_random_uuid(), attempt.delivery_id, attempt.attempt_number, attempt.attempted_at, attempt.status_code, attempt.duration_ms, attempt.error, attempt.response_excerpt
           FROM attempt JOIN moved USING (delivery_id)
       )
SELECT delivery_id FROM moved`;

/**
 * Every write to `webhook_delivery`, and the wake-up that follows the ones making deliveries due: the
 * worker is woken in-process once such a transaction has committed (the rows are visible to its claim
 * then). In-process rather than NOTIFY: a notifying commit takes a server-wide lock, so every such commit
 * on the server queues behind the others, and the worker needs no LISTEN connection. Other replicas find
 * the rows at their poll (DELIVERY_POLL_INTERVAL_MS); so does this one if the wake-up is lost with a
 * crash, since the rows are committed.
 */
@Injectable()
export class WebhookDeliveryRepository {
  private readonly dueListeners = new Set<() => void>();
  private readonly scheduled = new DeferredStatement<EventToSchedule>((manager, events) => this.insertScheduled(manager, events));

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    @InjectPinoLogger(WebhookDeliveryRepository.name) private readonly logger: PinoLogger,
  ) {}

  /** `listener` runs after each commit that made deliveries due; returns the unsubscribe. */
  onDue(listener: () => void): () => void {
    this.dueListeners.add(listener);
    return () => this.dueListeners.delete(listener);
  }

  /**
   * Schedules the event's deliveries in `manager`'s transaction (a consumer's inbox transaction, so they
   * exist if and only if the Kafka offset moves past the event). The rows are written just before that
   * transaction commits, together with the other events of its batch.
   */
  schedule(manager: EntityManager, event: EventToSchedule): Promise<void> {
    return this.scheduled.add(manager, event);
  }

  /**
   * Puts one delivery of the endpoint back in line for an attempt at `now`, whatever its status, unless it
   * is being sent right now: re-queueing it then would let a second send start before the first is recorded.
   */
  async requeue(manager: EntityManager, endpointId: string, deliveryId: string, now: Date): Promise<RequeueResult> {
    const [found]: { locked: boolean }[] = isUUID(deliveryId)
      ? await manager.query(`SELECT locked_until > now() AS locked FROM webhook_delivery WHERE delivery_id = $1 AND endpoint_id = $2 FOR UPDATE`, [
          deliveryId,
          endpointId,
        ])
      : [];
    if (!found) return 'not found';
    if (found.locked) return 'being sent';
    await manager.query(`UPDATE webhook_delivery SET status = 'pending', failure_reason = NULL, next_attempt_at = $2 WHERE delivery_id = $1`, [
      deliveryId,
      now,
    ]);
    this.announceDue(manager);
    return 'queued';
  }

  /**
   * Puts up to `limit` failed deliveries of order events created since `since` back in line at `now`, oldest
   * first, of the scope's live, enabled endpoints (the worker sends to no other); returns their ids. The
   * status is checked again on each row as it is updated, so two such requests at once queue a delivery once.
   */
  async requeueFailed(manager: EntityManager, scope: FailedDeliveriesScope, since: Date, now: Date, limit: number): Promise<string[]> {
    const [endpointId, clientId] = 'endpointId' in scope ? [scope.endpointId, null] : [null, scope.clientId];
    const rows: { delivery_id: string }[] = await manager.query(
      `WITH queued AS (
         UPDATE webhook_delivery
            SET status = 'pending', failure_reason = NULL, next_attempt_at = $4
          WHERE status = 'failed'
            AND delivery_id IN (
                  SELECT d.delivery_id
                    FROM webhook_delivery d JOIN webhook_endpoint e USING (endpoint_id)
                   WHERE (e.endpoint_id = $1 OR e.client_id = $2) AND e.enabled AND e.deleted_at IS NULL
                     AND d.status = 'failed' AND d.created_at >= $3 AND d.event_type <> $6
                   ORDER BY d.created_at, d.delivery_id
                   LIMIT $5)
         RETURNING delivery_id, created_at
       )
       SELECT delivery_id FROM queued ORDER BY created_at, delivery_id`,
      [endpointId, clientId, since, now, limit, WEBHOOK_TEST_EVENT_TYPE],
    );
    if (rows.length > 0) this.announceDue(manager);
    return rows.map((row) => row.delivery_id);
  }

  /**
   * A test event to one endpoint, due at `now`: one delivery like any other (signed, leased, recorded), but
   * of no order, so its failure announces nothing (see DeliverWebhooksHandler for its single attempt).
   */
  async queueTestEvent(manager: EntityManager, event: TestEventToQueue, now: Date): Promise<string> {
    const [{ delivery_id }]: { delivery_id: string }[] = await manager.query(
      `INSERT INTO webhook_delivery (delivery_id, endpoint_id, event_id, event_type, order_id, body, status, attempt_count, next_attempt_at)
       VALUES (gen_random_uuid(), $1, $2, $3, NULL, $4, 'pending', 0, $5)
       RETURNING delivery_id`,
      [event.endpointId, event.eventId, WEBHOOK_TEST_EVENT_TYPE, event.body, now],
    );
    this.announceDue(manager);
    return delivery_id;
  }

  /** Cancels the endpoint's pending deliveries (it was deleted); a send already under way still records its attempt. Returns how many. */
  async cancelPending(manager: EntityManager, endpointId: string): Promise<number> {
    const [, count]: [unknown, number] = await manager.query(`UPDATE webhook_delivery SET status = 'cancelled' WHERE endpoint_id = $1 AND status = 'pending'`, [
      endpointId,
    ]);
    return count;
  }

  /**
   * Leases up to `limit` deliveries due at `now`, at most `perEndpoint` in flight per endpoint across all
   * replicas, so one dead endpoint cannot take every slot while its sends time out. The endpoint rows are
   * locked first (SKIP LOCKED: replicas claim other endpoints side by side instead of waiting), and the
   * leases are counted in a second statement whose snapshot is taken after those locks, so it sees every
   * lease committed before. The lease (on the database's clock, shared by every replica) keeps any other
   * replica from sending a claimed delivery until the holder recorded its attempt or died.
   */
  async claimDue(now: Date, { limit, perEndpoint, lockMs }: ClaimLimits): Promise<ClaimedDelivery[]> {
    return this.dataSource.transaction(async (manager) => {
      const endpoints: { endpoint_id: string }[] = await manager.query(
        `WITH due AS (
           SELECT endpoint_id, min(next_attempt_at) AS oldest
             FROM webhook_delivery
            WHERE status = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until <= now())
            GROUP BY endpoint_id
         )
         SELECT e.endpoint_id
           FROM webhook_endpoint e JOIN due USING (endpoint_id)
          WHERE e.enabled AND e.deleted_at IS NULL
            AND (SELECT count(*) FROM webhook_delivery l WHERE l.endpoint_id = e.endpoint_id AND l.locked_until > now()) < $3
          ORDER BY due.oldest
          LIMIT $2
          FOR NO KEY UPDATE OF e SKIP LOCKED`,
        [now, limit, perEndpoint],
      );
      if (endpoints.length === 0) return [];
      // TypeORM answers an UPDATE … RETURNING with [rows, affectedCount].
      const [rows]: [ClaimedRow[], number] = await manager.query(
        `WITH in_flight AS (
           SELECT endpoint_id, count(*)::integer AS sending
             FROM webhook_delivery
            WHERE endpoint_id = ANY ($1::uuid[]) AND locked_until > now()
            GROUP BY endpoint_id
         ), ranked AS (
           SELECT delivery_id, endpoint_id, next_attempt_at,
                  row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at, delivery_id) AS rank
             FROM webhook_delivery
            WHERE endpoint_id = ANY ($1::uuid[]) AND status = 'pending' AND next_attempt_at <= $2
              AND (locked_until IS NULL OR locked_until <= now())
         ), due AS (
           SELECT ranked.delivery_id
             FROM ranked LEFT JOIN in_flight USING (endpoint_id)
            WHERE ranked.rank + COALESCE(in_flight.sending, 0) <= $3
            -- Each endpoint's first delivery before anyone's second: free slots are shared out fairly.
            ORDER BY ranked.rank, ranked.next_attempt_at
            LIMIT $4
         )
         UPDATE webhook_delivery d
            SET locked_until = now() + $5::integer * interval '1 millisecond'
           FROM due, webhook_endpoint e
          WHERE d.delivery_id = due.delivery_id AND e.endpoint_id = d.endpoint_id AND d.status = 'pending'
         RETURNING d.delivery_id, d.endpoint_id, e.client_id, d.event_id, d.event_type, d.order_id, d.body, e.url, e.secret, d.attempt_count,
                   CASE WHEN e.previous_secret_expires_at > $2 THEN e.previous_secret END AS previous_secret`,
        [endpoints.map((row) => row.endpoint_id), now, perEndpoint, limit, lockMs],
      );
      return rows.map((row) => ({
        deliveryId: row.delivery_id,
        endpointId: row.endpoint_id,
        clientId: row.client_id,
        eventId: row.event_id,
        eventType: row.event_type,
        orderId: row.order_id,
        body: row.body,
        url: row.url,
        secrets: row.previous_secret ? [row.secret, row.previous_secret] : [row.secret],
        attemptCount: row.attempt_count,
      }));
    });
  }

  /**
   * Records finished sends, in order; each result is the attempt's record or why it could not be made.
   * The ones that leave the delivery live, as claimed, take one statement together (RECORD_LIVE); a
   * delivery's last attempt, and any the compare-and-set did not move, take recordAttempt's transaction.
   */
  async recordAttempts(attempts: readonly AttemptToRecord[]): Promise<PromiseSettledResult<RecordedAttempt>[]> {
    const live = attempts.flatMap(({ delivery, attempt, decide }) => {
      const attemptNumber = delivery.attemptCount + 1;
      const decision = decide(attemptNumber);
      return decision.status === 'failed' ? [] : [{ delivery, attempt, attemptNumber, decision }];
    });
    const moved = new Set<string>();
    let unrecorded: { error: unknown } | undefined;
    if (live.length > 0) {
      try {
        const rows: { delivery_id: string }[] = await this.dataSource.query(RECORD_LIVE, [
          live.map(({ delivery }) => delivery.deliveryId),
          live.map(({ attemptNumber }) => attemptNumber),
          live.map(({ attempt }) => attempt.attemptedAt),
          live.map(({ attempt }) => attempt.statusCode),
          live.map(({ attempt }) => attempt.durationMs),
          live.map(({ attempt }) => attempt.error),
          live.map(({ attempt }) => attempt.responseExcerpt),
          live.map(({ decision }) => decision.status),
          live.map(({ decision }) => (decision.status === 'pending' ? decision.nextAttemptAt : null)),
        ]);
        for (const row of rows) moved.add(row.delivery_id);
      } catch (error) {
        // The server refused the statement (a deadlock over the same rows, say), so none of it applied: each
        // goes the locked way below. Without the server's word (connection lost) it may have committed, and
        // recording again would add phantom attempts: those stay unrecorded, and their leases run out.
        if (typeof (error as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((error as { code: string }).code)) {
          this.logger.warn({ err: error, attempts: live.length }, 'recording attempts together failed; recording them one by one');
        } else {
          unrecorded = { error };
        }
      }
    }
    const recorded = new Map(
      live
        .filter(({ delivery }) => moved.has(delivery.deliveryId))
        .map(({ delivery, attemptNumber, decision }) => [delivery, { attemptNumber, decision, applied: true }]),
    );
    const results: PromiseSettledResult<RecordedAttempt>[] = [];
    const tried = new Set(live.map(({ delivery }) => delivery));
    for (const { delivery, attempt, decide } of attempts) {
      const done = recorded.get(delivery);
      if (done) results.push({ status: 'fulfilled', value: done });
      else if (unrecorded && tried.has(delivery)) results.push({ status: 'rejected', reason: unrecorded.error });
      else
        results.push(
          await this.recordAttempt(delivery, attempt, decide).then(
            (value) => ({ status: 'fulfilled' as const, value }),
            (reason: unknown) => ({ status: 'rejected' as const, reason }),
          ),
        );
    }
    return results;
  }

  /**
   * Records one attempt and moves the delivery on as `decide` says, releasing the lease. The row is locked
   * and its count re-read here, so attempt numbers stay right even if an expired lease let a second
   * replica send the same delivery; a delivery that already reached a final status keeps it. Giving up
   * disables a 410 endpoint and announces WebhookDeliveryFailed through the outbox, in the same transaction.
   */
  async recordAttempt(delivery: ClaimedDelivery, attempt: AttemptResult, decide: (attemptsMade: number) => DeliveryDecision): Promise<RecordedAttempt> {
    const { deliveryId } = delivery;
    return this.dataSource.transaction(async (manager) => {
      const [current]: { status: string; attempt_count: number }[] = await manager.query(
        `SELECT status, attempt_count FROM webhook_delivery WHERE delivery_id = $1 FOR UPDATE`,
        [deliveryId],
      );
      if (!current) throw new Error(`webhook delivery ${deliveryId} does not exist`);
      const attemptNumber = current.attempt_count + 1;
      const decision = decide(attemptNumber);
      await manager.query(
        `INSERT INTO webhook_attempt (attempt_id, delivery_id, attempt_number, attempted_at, status_code, duration_ms, error, response_excerpt)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7)`,
        [deliveryId, attemptNumber, attempt.attemptedAt, attempt.statusCode, attempt.durationMs, attempt.error, attempt.responseExcerpt],
      );
      const applied = current.status === 'pending';
      await manager.query(
        `UPDATE webhook_delivery
            SET attempt_count = $2,
                last_attempt_at = $3,
                status = $4,
                next_attempt_at = COALESCE($5, next_attempt_at),
                failure_reason = $6,
                locked_until = NULL
          WHERE delivery_id = $1`,
        [
          deliveryId,
          attemptNumber,
          attempt.attemptedAt,
          applied ? decision.status : current.status,
          applied && decision.status === 'pending' ? decision.nextAttemptAt : null,
          applied && decision.status === 'failed' ? decision.reason : null,
        ],
      );
      if (applied && decision.status === 'failed') {
        if (decision.reason === 'gone') {
          await manager.query(`UPDATE webhook_endpoint SET enabled = false, disabled_reason = 'gone', updated_at = now() WHERE endpoint_id = $1 AND enabled`, [
            delivery.endpointId,
          ]);
        }
        // A test event is about no order: its failure is the operator's to read on the delivery, not an alert.
        if (delivery.orderId === null || delivery.eventType === WEBHOOK_TEST_EVENT_TYPE) return { attemptNumber, decision, applied };
        await this.outbox.append(
          manager,
          WEBHOOK_DELIVERY_FAILED,
          {
            deliveryId,
            endpointId: delivery.endpointId,
            clientId: delivery.clientId,
            eventId: delivery.eventId,
            eventType: delivery.eventType,
            orderId: delivery.orderId,
            attempts: attemptNumber,
            ...(attempt.statusCode !== null ? { lastStatusCode: attempt.statusCode } : {}),
            ...(attempt.error !== null ? { lastError: attempt.error } : {}),
            failedAt: attempt.attemptedAt.toISOString(),
          },
          { correlationId: delivery.orderId, causationId: delivery.eventId, requestId: null, traceparent: null },
          attempt.attemptedAt,
        );
      }
      return { attemptNumber, decision, applied };
    });
  }

  private async insertScheduled(manager: EntityManager, events: EventToSchedule[]): Promise<void> {
    const scheduled: unknown[] = await manager.query(SCHEDULE, [
      events.map((event) => event.eventId),
      events.map((event) => event.eventType),
      events.map((event) => event.orderId),
      events.map((event) => event.clientId),
      events.map((event) => event.body),
      events.map((event) => event.firstAttemptAt),
    ]);
    if (scheduled.length > 0) this.announceDue(manager);
    // Debug: MessageProcessor's "message handled" line is the one info line per message.
    this.logger.debug({ events: events.length, deliveries: scheduled.length }, 'webhook deliveries scheduled');
  }

  /** Called in the transaction that made deliveries due; the listeners hear of it after the commit. */
  private announceDue(manager: EntityManager): void {
    afterCommit(manager, () => {
      for (const listener of this.dueListeners) listener();
    });
  }
}
