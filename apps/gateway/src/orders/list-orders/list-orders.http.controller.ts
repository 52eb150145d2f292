import { Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ListOrdersRequestDto, OrderPageResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { OrderServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';
import { singleValuedQuery } from './relay-input';

/** GET /api/v1/orders: the caller's orders; order-service validates the filters and owns the cursor format. */
@ApiTags('orders')
@ApiV1Controller('orders')
export class ListOrdersHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: "List the client's orders, newest first (cursor pagination)" })
  @ApiQuery({ type: ListOrdersRequestDto })
  @ApiV1Response(200, 'A page of orders, newest first', OrderPageResponseDto)
  @ApiV1ErrorResponse(400, 'VALIDATION_ERROR naming the invalid parameter in details[].field')
  async list(@Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.orderService.listOrders(singleValuedQuery(request), forwardedContextOf(request)));
  }
}
