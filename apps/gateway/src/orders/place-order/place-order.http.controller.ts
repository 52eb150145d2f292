import { Body, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { DomainError } from '@order-saga/shared/http';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { OrderServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';
import { ApiErrorResponseDto } from '../../errors/api-error.response.dto';
import { PlaceOrderRequestDto } from './place-order.request.dto';

/** POST /api/v1/orders: order-service validates the order and runs the saga; the gateway only vouches for the caller. */
@ApiV1Controller('orders')
export class PlaceOrderHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  @Post()
  @RequireScope('write')
  @ApiOperation({ summary: 'Place an order (scope write); waits for the saga outcome' })
  @ApiBody({ type: PlaceOrderRequestDto })
  @ApiHeader({ name: 'X-Idempotency-Key', required: false, description: 'Same key and body: 200 with the original order' })
  @ApiResponse({ status: 201, description: 'Order confirmed: order_id, status, total_amount, currency, created_at, estimated_delivery, tracking_url' })
  @ApiResponse({ status: 202, description: 'Outcome not known within the wait budget; poll Location' })
  @ApiResponse({ status: 402, description: 'PAYMENT_FAILED (the stock reservation was released first)', type: ApiErrorResponseDto })
  @ApiResponse({ status: 409, description: 'INSUFFICIENT_INVENTORY, DUPLICATE_ORDER or CONFLICT', type: ApiErrorResponseDto })
  async place(@Body() order: unknown, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    // The body is re-serialized as JSON upstream, so a form post must not slip through as if it were one.
    if (!request.is('application/json')) {
      throw new DomainError('VALIDATION_ERROR', 'Request body must be JSON (Content-Type: application/json)');
    }
    relayReply(response, await this.orderService.placeOrder(order, forwardedContextOf(request)));
  }
}
