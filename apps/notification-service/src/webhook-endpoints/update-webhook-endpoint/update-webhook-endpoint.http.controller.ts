import { Body, Controller, Param, Patch } from '@nestjs/common';
import { ClientId } from '../../common/client-id.decorator';
import { WebhookEndpointResponseDto } from '../webhook-endpoint.response.dto';
import { UpdateWebhookEndpointHandler } from './update-webhook-endpoint.handler';
import { UpdateWebhookEndpointRequestDto } from './update-webhook-endpoint.request.dto';

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
