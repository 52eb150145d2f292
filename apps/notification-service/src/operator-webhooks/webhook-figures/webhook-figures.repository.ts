import { Injectable } from '@nestjs/common';
import type { WebhookDeliveryCountsResponseDto, WebhookFiguresMinuteResponseDto, WebhookFiguresResponseDto } from '@order-saga/contracts/http/operator';
import { DataSource } from 'typeorm';
import { deliverySuccessRate } from '../../domain/delivery-success-rate';

interface FiguresRow {
  /** null on the grand-total row of the grouping sets. */
  minute: Date | null;
  window_start: Date;
  at: Date;
  succeeded: number;
  failed: number;
  pending: number;
  cancelled: number;
}

/**
 * The console overview's webhook figures, read in one statement from webhook_delivery. A delivery counts in
 * the minute it was created (its event reached notification-service, or an operator sent a test event), under
 * its status now: a retry or a resend that settles it later changes that minute's counts, never moves it. Each
 * minute of the window is a row (generate_series: quiet minutes are zeros, not gaps) and GROUPING SETS adds the
 * window's total row, whose success rate is over every delivery of the window, not an average of the minutes'.
 *
 * Index: the window is a range of webhook_delivery_listing_idx (created_at, delivery_id). No index was added.
 */
@Injectable()
export class WebhookFiguresRepository {
  constructor(private readonly dataSource: DataSource) {}

  async read(windowMinutes: number): Promise<WebhookFiguresResponseDto> {
    const rows: FiguresRow[] = await this.dataSource.query(
      `WITH bounds AS (
         SELECT date_trunc('minute', now()) - make_interval(mins => $1::int - 1) AS window_start, now() AS at
       ),
       created AS (
         SELECT date_trunc('minute', d.created_at) AS minute, d.status
           FROM webhook_delivery d, bounds b
          WHERE d.created_at >= b.window_start
       ),
       minutes AS (
         SELECT generate_series(b.window_start, date_trunc('minute', b.at), interval '1 minute') AS minute FROM bounds b
       )
       SELECT m.minute, min(b.window_start) AS window_start, min(b.at) AS at,
              count(*) FILTER (WHERE c.status = 'succeeded')::int AS succeeded,
              count(*) FILTER (WHERE c.status = 'failed')::int AS failed,
              count(*) FILTER (WHERE c.status = 'pending')::int AS pending,
              count(*) FILTER (WHERE c.status = 'cancelled')::int AS cancelled
         FROM minutes m
         LEFT JOIN created c USING (minute)
        CROSS JOIN bounds b
        GROUP BY GROUPING SETS ((m.minute), ())
        ORDER BY m.minute NULLS FIRST`,
      [windowMinutes],
    );
    const [total, ...perMinute] = rows;
    return {
      window_minutes: windowMinutes,
      from: total.window_start.toISOString(),
      at: total.at.toISOString(),
      deliveries: countsOf(total),
      success_rate: deliverySuccessRate(total),
      minutes: perMinute.map((row): WebhookFiguresMinuteResponseDto => ({
        minute: (row.minute as Date).toISOString(),
        deliveries: countsOf(row),
        success_rate: deliverySuccessRate(row),
      })),
    };
  }
}

function countsOf(row: FiguresRow): WebhookDeliveryCountsResponseDto {
  return { succeeded: row.succeeded, failed: row.failed, pending: row.pending, cancelled: row.cancelled };
}
