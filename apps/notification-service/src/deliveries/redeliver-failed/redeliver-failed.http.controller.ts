import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { RedeliverFailedRequestDto, WebhookRedeliveryQueuedResponseDto } from '@order-saga/contracts/http';
import { ClientId } from '../../common/client-id.decorator';
import { RedeliverFailedHandler } from './redeliver-failed.handler';

@Controller('webhook-endpoints/:endpointId')
export class RedeliverFailedHttpController {
  constructor(private readonly handler: RedeliverFailedHandler) {}

  @Post('redeliver-failed')
  @HttpCode(202)
  redeliver(
    @ClientId() clientId: string,
    @Param('endpointId') endpointId: string,
    @Body() body: RedeliverFailedRequestDto,
  ): Promise<WebhookRedeliveryQueuedResponseDto> {
    return this.handler.redeliver(clientId, endpointId, new Date(body.since));
  }
}
