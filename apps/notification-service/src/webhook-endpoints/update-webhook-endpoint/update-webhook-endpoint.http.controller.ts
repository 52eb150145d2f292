import { Body, Controller, Param, Patch } from '@nestjs/common';
import { UpdateWebhookEndpointRequestDto, WebhookEndpointResponseDto } from '@order-saga/contracts/http';
import { ClientId } from '../../common/client-id.decorator';
import { UpdateWebhookEndpointHandler } from './update-webhook-endpoint.handler';

@Controller('webhook-endpoints')
export class UpdateWebhookEndpointHttpController {
  constructor(private readonly handler: UpdateWebhookEndpointHandler) {}

  @Patch(':endpointId')
  update(
    @ClientId() clientId: string,
    @Param('endpointId') endpointId: string,
    @Body() body: UpdateWebhookEndpointRequestDto,
  ): Promise<WebhookEndpointResponseDto> {
    return this.handler.update(clientId, endpointId, body);
  }
}
