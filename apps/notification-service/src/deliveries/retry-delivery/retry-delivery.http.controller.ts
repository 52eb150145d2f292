import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import type { WebhookRetryQueuedResponseDto } from '@order-saga/contracts/http';
import { ClientId } from '../../common/client-id.decorator';
import { RetryDeliveryHandler } from './retry-delivery.handler';

@Controller('webhook-endpoints/:endpointId/deliveries')
export class RetryDeliveryHttpController {
  constructor(private readonly handler: RetryDeliveryHandler) {}

  @Post(':deliveryId/retry')
  @HttpCode(202)
  retry(
    @ClientId() clientId: string,
    @Param('endpointId') endpointId: string,
    @Param('deliveryId') deliveryId: string,
  ): Promise<WebhookRetryQueuedResponseDto> {
    return this.handler.retry(clientId, endpointId, deliveryId);
  }
}
