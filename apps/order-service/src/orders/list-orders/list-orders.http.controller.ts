import { Controller, Get, Query } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT, ListOrdersRequestDto, OrderPageResponseDto } from '@order-saga/contracts/http';
import { DomainError } from '@order-saga/shared/http';
import { ClientId } from '../../common/client-id.decorator';
import { pageOf } from '../../common/page-cursor';
import { OrderServiceConfig } from '../../config/order-service.config';
import { toOrderResponse } from '../order.response.dto';
import { OrderPageRepository, OrderPageRow } from './order-page.repository';

@Controller('orders')
export class ListOrdersHttpController {
  constructor(
    private readonly orders: OrderPageRepository,
    private readonly config: OrderServiceConfig,
  ) {}

  /** The calling client's orders, newest first. */
  @Get()
  async list(@ClientId() clientId: string, @Query() query: ListOrdersRequestDto): Promise<OrderPageResponseDto> {
    const createdFrom = query.created_from ? new Date(query.created_from) : undefined;
    const createdTo = query.created_to ? new Date(query.created_to) : undefined;
    if (createdFrom && createdTo && createdFrom >= createdTo) {
      throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [{ field: 'created_to', error: 'Must be later than created_from' }]);
    }
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.orders.findPage(clientId, { status: query.status, customerId: query.customer_id, createdFrom, createdTo }, limit, query.cursor);
    return pageOf(
      rows,
      limit,
      (row: OrderPageRow) => row.position,
      (row) => toOrderResponse(row.order, this.config.PUBLIC_BASE_URL),
    );
  }
}
