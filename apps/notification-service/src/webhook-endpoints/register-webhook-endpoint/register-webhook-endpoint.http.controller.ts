import { Body, Controller, Post } from '@nestjs/common';
import { RegisterWebhookEndpointRequestDto, WebhookEndpointWithSecretResponseDto } from '@order-saga/contracts/http';
import { ClientId } from '../../common/client-id.decorator';
import { RegisterWebhookEndpointHandler } from './register-webhook-endpoint.handler';

@Controller('webhook-endpoints')
export class RegisterWebhookEndpointHttpController {
  constructor(private readonly handler: RegisterWebhookEndpointHandler) {}

  @Post()
  register(@ClientId() clientId: string, @Body() body: RegisterWebhookEndpointRequestDto): Promise<WebhookEndpointWithSecretResponseDto> {
    return this.handler.register(clientId, body);
  }
}
