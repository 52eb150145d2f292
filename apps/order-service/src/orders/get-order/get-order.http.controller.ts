import { Controller, Get, Param } from '@nestjs/common';
import type { OrderDetailResponseDto } from '@order-saga/contracts/http';
import { DomainError } from '@order-saga/shared/http';
import { DataSource } from 'typeorm';
import { ClientId } from '../../common/client-id.decorator';
import { OrderServiceConfig } from '../../config/order-service.config';
import { findOrder } from '../order.queries';
import { toOrderResponse } from '../order.response.dto';

@Controller('orders')
export class GetOrderHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: OrderServiceConfig,
  ) {}

  /** Another client's order is indistinguishable from a missing one. */
  @Get(':orderId')
  async getOrder(@ClientId() clientId: string, @Param('orderId') orderId: string): Promise<OrderDetailResponseDto> {
    const order = await findOrder(this.dataSource.manager, { orderId, clientId });
    if (!order) throw new DomainError('NOT_FOUND', `Order ${orderId} does not exist`);
    return { ...toOrderResponse(order, this.config.PUBLIC_BASE_URL), failure_code: order.failureCode };
  }
}
