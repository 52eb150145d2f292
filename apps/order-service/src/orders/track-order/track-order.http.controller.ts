import { Controller, Get, Param } from '@nestjs/common';
import type { TrackOrderResponseDto } from '@order-saga/contracts/http';
import { DomainError } from '@order-saga/shared/http';
import { DataSource } from 'typeorm';
import { ClientId } from '../../common/client-id.decorator';
import { findOrder } from '../order.queries';
import { toTimelineEntry } from '../saga-timeline.response.dto';
import { SagaInstance } from '../place-order/saga-instance.entity';
import { SagaStep } from '../place-order/saga-step.entity';

/**
 * The order's saga timeline, in order: every command, reply, compensation (and its re-sends), timeout,
 * late reply, operator action and the outcome, each with its time and detail.
 */
@Controller('orders')
export class TrackOrderHttpController {
  constructor(private readonly dataSource: DataSource) {}

  @Get(':orderId/track')
  async track(@ClientId() clientId: string, @Param('orderId') orderId: string): Promise<TrackOrderResponseDto> {
    const order = await findOrder(this.dataSource.manager, { orderId, clientId });
    if (!order) throw new DomainError('NOT_FOUND', `Order ${orderId} does not exist`);
    const saga = await this.dataSource.getRepository(SagaInstance).findOneByOrFail({ orderId });
    const steps = await this.dataSource.getRepository(SagaStep).find({ where: { orderId }, order: { id: 'ASC' } });
    return {
      order_id: order.orderId,
      status: order.status,
      saga_state: saga.state,
      failure_reason: saga.failureReason,
      step_deadline_at: saga.stepDeadlineAt?.toISOString() ?? null,
      timeline: steps.map((step) => toTimelineEntry(step, 'client')),
    };
  }
}
