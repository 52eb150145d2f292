import { Controller, Get, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { COMPENSATING_SAGA_STATES, FAILED_SAGA_STATES, OPEN_SAGA_STATES } from '../../orders/domain/place-order.saga';
import { ListSagasRequestDto, SagaFilter } from './list-sagas.request.dto';

const CONDITIONS: Record<SagaFilter, { sql: string; params: unknown[] }> = {
  stuck: { sql: 'step_deadline_at < now()', params: [] },
  failed: { sql: 'state = ANY($1)', params: [FAILED_SAGA_STATES] },
  compensating: { sql: 'state = ANY($1)', params: [COMPENSATING_SAGA_STATES] },
  open: { sql: 'state = ANY($1)', params: [OPEN_SAGA_STATES] },
};

interface SagaRow {
  saga_id: string;
  order_id: string;
  state: string;
  failure_reason: string | null;
  step_deadline_at: Date | null;
  step_attempts: number;
  created_at: Date;
  updated_at: Date;
}

/**
 * Operations endpoint of order-service (not routed by the gateway): lists sagas by condition, oldest
 * change first, e.g. `GET /sagas?state=stuck&older_than=60`.
 */
@Controller('sagas')
export class ListSagasHttpController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  async list(@Query() query: ListSagasRequestDto) {
    const condition = CONDITIONS[query.state];
    const params = [...condition.params, query.older_than ?? 0, query.limit ?? 100];
    const n = condition.params.length;
    const rows: SagaRow[] = await this.dataSource.query(
      `SELECT saga_id, order_id, state, failure_reason, step_deadline_at, step_attempts, created_at, updated_at
         FROM saga_instance
        WHERE ${condition.sql} AND updated_at <= now() - make_interval(secs => $${n + 1})
        ORDER BY updated_at LIMIT $${n + 2}`,
      params,
    );
    return {
      filter: query.state,
      count: rows.length,
      sagas: rows.map((row) => ({
        saga_id: row.saga_id,
        order_id: row.order_id,
        state: row.state,
        failure_reason: row.failure_reason,
        step_deadline_at: row.step_deadline_at?.toISOString() ?? null,
        step_attempts: row.step_attempts,
        created_at: row.created_at.toISOString(),
        updated_at: row.updated_at.toISOString(),
      })),
    };
  }
}
