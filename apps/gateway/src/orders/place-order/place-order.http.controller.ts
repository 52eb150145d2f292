import { Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation } from '@nestjs/swagger';
import { OrderResponseDto, PlaceOrderRequestDto } from '@order-saga/contracts/http';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { OrderServiceProxy } from '../../upstream/upstream-proxies';
import { requireJsonBody } from '../list-orders/relay-input';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';

const ORDER_LOCATION = { description: 'The order: GET it to follow a pending one', required: true, schema: { type: 'string', format: 'uri' } };

/** POST /api/v1/orders: order-service validates the order and runs the saga; the gateway only vouches for the caller. */
@ApiV1Controller('orders')
export class PlaceOrderHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  @Post()
  @RequireScope('write')
  @ApiOperation({ summary: 'Place an order (scope write); waits for the saga outcome' })
  @ApiBody({ type: PlaceOrderRequestDto })
  @ApiHeader({ name: 'X-Idempotency-Key', required: false, description: 'Same key and body: 200 with the original order' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'The IETF draft name of X-Idempotency-Key; both given must be equal' })
  @ApiV1Response(201, 'Order confirmed', OrderResponseDto, { Location: ORDER_LOCATION })
  @ApiV1Response(200, 'Idempotent replay: the same key and body again answer with the original order', OrderResponseDto, { Location: ORDER_LOCATION })
  @ApiV1Response(202, 'Outcome not known within the wait budget: the order, status pending; poll Location', OrderResponseDto, { Location: ORDER_LOCATION })
  @ApiV1ErrorResponse(400, 'VALIDATION_ERROR (details[].field names each invalid field, a catalog price mismatch included) or INVALID_CUSTOMER')
  @ApiV1ErrorResponse(402, 'PAYMENT_FAILED (the stock reservation was released first)')
  @ApiV1ErrorResponse(
    409,
    'INSUFFICIENT_INVENTORY, INVENTORY_TIMEOUT or PAYMENT_TIMEOUT (a participant did not answer in time; the order was cancelled, any charge refunded), DUPLICATE_ORDER (existing_order_id) or CONFLICT (the key is in flight, or the order was cancelled)',
  )
  async place(@Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.orderService.placeOrder(requireJsonBody(request), forwardedContextOf(request)));
  }
}
