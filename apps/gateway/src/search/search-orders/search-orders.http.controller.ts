import { Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
import { OrderPageResponseDto } from '../../orders/order.response.dto';
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
  @ApiQuery({ name: 'q', required: true, description: 'Prefix to look for, 1–100 characters' })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'confirmed', 'cancelled'] })
  @ApiQuery({ name: 'limit', required: false, description: 'Page size, 1–100 (default 20)' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiV1Response(200, 'A page of matching orders, newest first', OrderPageResponseDto)
  @ApiV1ErrorResponse(400, 'VALIDATION_ERROR (missing or blank q, bad limit or cursor)')
  async search(@Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.orderService.searchOrders(singleValuedQuery(request), forwardedContextOf(request)));
  }
}
