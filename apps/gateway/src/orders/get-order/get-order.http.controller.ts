import { Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { OrderDetailResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { OrderServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';

@ApiV1Controller('orders')
export class GetOrderHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  @Get(':orderId')
  @RequireScope('read')
  @ApiOperation({ summary: "An order of the calling client (scope read); another client's order is NOT_FOUND" })
  @ApiV1Response(200, 'The order, with failure_code when it was cancelled', OrderDetailResponseDto)
  @ApiV1ErrorResponse(404, "NOT_FOUND: no such order, or another client's")
  async get(@Param('orderId') orderId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.orderService.getOrder(orderId, forwardedContextOf(request)));
  }
}
