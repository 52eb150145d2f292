import { Injectable } from '@nestjs/common';
import { WebhookEventType } from '@order-saga/contracts';
import { DataSource } from 'typeorm';
import { DeliveryDecision } from '../../domain/retry-schedule';

/** A delivery this process holds until `locked_until`, with what it needs to send it. */
export interface ClaimedDelivery {
  deliveryId: string;
  endpointId: string;
  eventId: string;
  eventType: WebhookEventType;
  orderId: string;
  body: string;
  url: string;
  secret: string;
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
}

interface ClaimedRow {
  delivery_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: WebhookEventType;
  order_id: string;
  body: string;
  url: string;
  secret: string;
}

@Injectable()
export class WebhookDeliveryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims up to `limit` deliveries due at `now` for `lockMs`. SKIP LOCKED lets replicas claim side by side
   * without waiting on each other, and the lease (on the database's clock, shared by every replica) keeps
   * any other replica from sending a claimed delivery until the holder has recorded its attempt or died.
   */
  async claimDue(limit: number, now: Date, lockMs: number): Promise<ClaimedDelivery[]> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affectedCount].
    const [rows]: [ClaimedRow[], number] = await this.dataSource.query(
      `WITH due AS (
         SELECT delivery_id
           FROM webhook_delivery
          WHERE status = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until <= now())
          ORDER BY next_attempt_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED
       )
       UPDATE webhook_delivery d
          SET locked_until = now() + $3::integer * interval '1 millisecond'
         FROM due, webhook_endpoint e
        WHERE d.delivery_id = due.delivery_id AND e.endpoint_id = d.endpoint_id
       RETURNING d.delivery_id, d.endpoint_id, d.event_id, d.event_type, d.order_id, d.body, e.url, e.secret`,
      [now, limit, lockMs],
    );
    return rows.map((row) => ({
      deliveryId: row.delivery_id,
      endpointId: row.endpoint_id,
      eventId: row.event_id,
      eventType: row.event_type,
      orderId: row.order_id,
      body: row.body,
      url: row.url,
      secret: row.secret,
    }));
  }

  /**
   * Records one attempt and moves the delivery on as `decide` says, releasing the lease. The row is locked
   * and its count re-read here, so attempt numbers stay right even if an expired lease let a second
   * replica send the same delivery; a delivery that already reached a final status keeps it.
   */
  async recordAttempt(
    deliveryId: string,
    attempt: AttemptResult,
    decide: (attemptsMade: number) => DeliveryDecision,
  ): Promise<RecordedAttempt> {
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
      const stillPending = current.status === 'pending';
      await manager.query(
        `UPDATE webhook_delivery
            SET attempt_count = $2,
                last_attempt_at = $3,
                status = $4,
                next_attempt_at = COALESCE($5, next_attempt_at),
                locked_until = NULL
          WHERE delivery_id = $1`,
        [
          deliveryId,
          attemptNumber,
          attempt.attemptedAt,
          stillPending ? decision.status : current.status,
          stillPending && decision.status === 'pending' ? decision.nextAttemptAt : null,
        ],
      );
      return { attemptNumber, decision };
    });
  }
}
