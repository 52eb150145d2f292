import { Body, Post, Req, Res } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { OrderServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';

/** POST /api/v1/orders: order-service validates the order and runs the saga; the gateway only vouches for the caller. */
@ApiV1Controller('orders')
export class PlaceOrderHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  @Post()
  @RequireScope('write')
  async place(@Body() order: unknown, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    // The body is re-serialized as JSON upstream, so a form post must not slip through as if it were one.
    if (!request.is('application/json')) {
      throw new DomainError('VALIDATION_ERROR', 'Request body must be JSON (Content-Type: application/json)');
    }
    relayReply(response, await this.orderService.placeOrder(order, forwardedContextOf(request)));
  }
}
