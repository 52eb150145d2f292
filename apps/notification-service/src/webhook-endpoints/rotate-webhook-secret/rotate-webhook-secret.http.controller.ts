import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { RotateWebhookSecretRequestDto, WebhookEndpointWithSecretResponseDto } from '@order-saga/contracts/http';
import { ClientId } from '../../common/client-id.decorator';
import { RotateWebhookSecretHandler } from './rotate-webhook-secret.handler';

@Controller('webhook-endpoints')
export class RotateWebhookSecretHttpController {
  constructor(private readonly handler: RotateWebhookSecretHandler) {}

  @Post(':endpointId/rotate-secret')
  @HttpCode(200)
  rotate(
    @ClientId() clientId: string,
    @Param('endpointId') endpointId: string,
    @Body() body: RotateWebhookSecretRequestDto,
  ): Promise<WebhookEndpointWithSecretResponseDto> {
    return this.handler.rotate(clientId, endpointId, body);
  }
}
