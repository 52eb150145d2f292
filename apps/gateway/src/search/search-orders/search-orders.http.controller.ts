import { Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { SearchOrdersRequestDto, OrderPageResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { singleValuedQuery } from '../../orders/list-orders/relay-input';
import { OrderServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';

@ApiTags('search')
@ApiV1Controller('search')
export class SearchOrdersHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: "Search the client's orders by a prefix of the order id, customer id or a product id (case-insensitive)" })
  @ApiQuery({ type: SearchOrdersRequestDto })
  @ApiV1Response(200, 'A page of matching orders, newest first', OrderPageResponseDto)
  @ApiV1ErrorResponse(400, 'VALIDATION_ERROR (missing or blank q, bad limit or cursor)')
  async search(@Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.orderService.searchOrders(singleValuedQuery(request), forwardedContextOf(request)));
  }
}
