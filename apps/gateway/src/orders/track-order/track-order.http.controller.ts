import { Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { OrderServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';

@ApiV1Controller('orders')
export class TrackOrderHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  @Get(':orderId/track')
  @RequireScope('read')
  @ApiOperation({ summary: "The saga timeline of an order (scope read)" })
  async track(@Param('orderId') orderId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.orderService.trackOrder(orderId, forwardedContextOf(request)));
  }
}
