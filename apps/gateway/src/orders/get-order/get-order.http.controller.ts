import { Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
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
  async get(@Param('orderId') orderId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.orderService.getOrder(orderId, forwardedContextOf(request)));
  }
}
