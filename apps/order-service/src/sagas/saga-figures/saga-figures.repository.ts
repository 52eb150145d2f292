import { Injectable } from '@nestjs/common';
import type { SagaFiguresMinuteResponseDto, SagaFiguresResponseDto, SagaOutcomeCountsResponseDto } from '@order-saga/contracts/http/operator';
import { DataSource } from 'typeorm';
import { ENDED_SAGA_STATES, OPEN_SAGA_STATES } from '../../orders/domain/place-order.saga';

interface FiguresRow {
  /** null on the grand-total row of the grouping sets. */
  minute: Date | null;
  window_start: Date;
  at: Date;
  in_flight: number;
  stuck: number;
  confirmed: number;
  rejected: number;
  compensated: number;
  timed_out: number;
  cancelled: number;
  p50_ms: number | null;
  p99_ms: number | null;
}

/**
 * The console's overview, read in one statement from saga_instance. A saga counts in the minute of its last
 * change while in a final state (its end; a late reply that reopens and settles it again moves it to that
 * later minute), under that state as its outcome; its duration is that end minus its start. Each minute of the
 * window is a row (generate_series, so quiet minutes are zeros, not gaps) and GROUPING SETS adds the window's
 * total row, whose percentiles are over every saga of the window, not an average of the minutes'.
 *
 * Indexes: the ended sagas come from saga_instance_state_idx (state, updated_at), a range per final state;
 * in flight from the same index; stuck from saga_instance_deadline_idx. No index was added.
 */
@Injectable()
export class SagaFiguresRepository {
  constructor(private readonly dataSource: DataSource) {}

  async read(windowMinutes: number): Promise<SagaFiguresResponseDto> {
    const rows: FiguresRow[] = await this.dataSource.query(
      `WITH bounds AS (
         SELECT date_trunc('minute', now()) - make_interval(mins => $1::int - 1) AS window_start, now() AS at
       ),
       ended AS (
         SELECT date_trunc('minute', s.updated_at) AS minute, s.state,
                extract(epoch FROM s.updated_at - s.created_at) * 1000 AS duration_ms
           FROM saga_instance s, bounds b
          WHERE s.state = ANY($2::text[]) AND s.updated_at >= b.window_start
       ),
       minutes AS (
         SELECT generate_series(b.window_start, date_trunc('minute', b.at), interval '1 minute') AS minute FROM bounds b
       ),
       live AS (
         SELECT (SELECT count(*) FROM saga_instance WHERE state = ANY($3::text[]))::int AS in_flight,
                (SELECT count(*) FROM saga_instance WHERE step_deadline_at < now())::int AS stuck
       )
       SELECT m.minute, min(b.window_start) AS window_start, min(b.at) AS at, min(l.in_flight) AS in_flight, min(l.stuck) AS stuck,
              count(*) FILTER (WHERE e.state = 'CONFIRMED')::int AS confirmed,
              count(*) FILTER (WHERE e.state = 'REJECTED')::int AS rejected,
              count(*) FILTER (WHERE e.state = 'COMPENSATED')::int AS compensated,
              count(*) FILTER (WHERE e.state = 'TIMED_OUT')::int AS timed_out,
              count(*) FILTER (WHERE e.state = 'CANCELLED')::int AS cancelled,
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY e.duration_ms))::float8 AS p50_ms,
              round(percentile_cont(0.99) WITHIN GROUP (ORDER BY e.duration_ms))::float8 AS p99_ms
         FROM minutes m
         LEFT JOIN ended e USING (minute)
        CROSS JOIN bounds b
        CROSS JOIN live l
        GROUP BY GROUPING SETS ((m.minute), ())
        ORDER BY m.minute NULLS FIRST`,
      [windowMinutes, ENDED_SAGA_STATES, OPEN_SAGA_STATES],
    );
    const [total, ...perMinute] = rows;
    return {
      window_minutes: windowMinutes,
      from: total.window_start.toISOString(),
      at: total.at.toISOString(),
      in_flight: total.in_flight,
      stuck: total.stuck,
      outcomes: outcomesOf(total),
      duration_p50_ms: total.p50_ms,
      duration_p99_ms: total.p99_ms,
      minutes: perMinute.map((row): SagaFiguresMinuteResponseDto => ({
        minute: (row.minute as Date).toISOString(),
        outcomes: outcomesOf(row),
        duration_p50_ms: row.p50_ms,
        duration_p99_ms: row.p99_ms,
      })),
    };
  }
}

function outcomesOf(row: FiguresRow): SagaOutcomeCountsResponseDto {
  return { confirmed: row.confirmed, rejected: row.rejected, compensated: row.compensated, timed_out: row.timed_out, cancelled: row.cancelled };
}
