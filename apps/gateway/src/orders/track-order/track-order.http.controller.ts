import { Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { TrackOrderResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
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
  @ApiOperation({ summary: 'The saga timeline of an order (scope read)' })
  @ApiV1Response(200, 'The saga state and its timeline: each command, reply, compensation, timeout and the outcome, oldest first', TrackOrderResponseDto)
  @ApiV1ErrorResponse(404, "NOT_FOUND: no such order, or another client's")
  async track(@Param('orderId') orderId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.orderService.trackOrder(orderId, forwardedContextOf(request)));
  }
}
