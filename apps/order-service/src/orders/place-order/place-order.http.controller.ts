import { Body, Controller, Post, Res } from '@nestjs/common';
import { OrderResponseDto, PlaceOrderRequestDto } from '@order-saga/contracts/http';
import type { Response } from 'express';
import { ClientId, RequestMeta, RequestMetadata } from '../../common/client-id.decorator';
import { OrderServiceConfig } from '../../config/order-service.config';
import { orderUrl, toOrderResponse } from '../order.response.dto';
import { PlaceOrderHandler } from './place-order.handler';

const STATUS = { confirmed: 201, replayed: 200, accepted: 202 } as const;

@Controller('orders')
export class PlaceOrderHttpController {
  constructor(
    private readonly handler: PlaceOrderHandler,
    private readonly config: OrderServiceConfig,
  ) {}

  @Post()
  async placeOrder(
    @ClientId() clientId: string,
    @RequestMetadata() meta: RequestMeta,
    @Body() body: PlaceOrderRequestDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderResponseDto> {
    const result = await this.handler.handle(clientId, body, meta);
    response.status(STATUS[result.outcome]);
    response.setHeader('Location', orderUrl(this.config.PUBLIC_BASE_URL, result.order.orderId));
    return toOrderResponse(result.order, this.config.PUBLIC_BASE_URL);
  }
}
