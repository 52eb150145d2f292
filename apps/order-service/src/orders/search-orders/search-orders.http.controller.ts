import { Controller, Get, Query } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT, OrderPageResponseDto, SearchOrdersRequestDto } from '@order-saga/contracts/http';
import { ClientId } from '../../common/client-id.decorator';
import { pageOf } from '../../common/page-cursor';
import { OrderServiceConfig } from '../../config/order-service.config';
import { OrderPageRepository, OrderPageRow } from '../list-orders/order-page.repository';
import { toOrderResponse } from '../order.response.dto';

/** Finds a client's orders by what a support person is likely to have at hand: an order, customer or product id. */
@Controller('search')
export class SearchOrdersHttpController {
  constructor(
    private readonly orders: OrderPageRepository,
    private readonly config: OrderServiceConfig,
  ) {}

  @Get()
  async search(@ClientId() clientId: string, @Query() query: SearchOrdersRequestDto): Promise<OrderPageResponseDto> {
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.orders.findPage(clientId, { text: query.q.trim(), status: query.status }, limit, query.cursor);
    return pageOf(
      rows,
      limit,
      (row: OrderPageRow) => row.position,
      (row) => toOrderResponse(row.order, this.config.PUBLIC_BASE_URL),
    );
  }
}
