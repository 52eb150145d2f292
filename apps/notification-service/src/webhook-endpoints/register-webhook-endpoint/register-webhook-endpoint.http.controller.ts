import { Body, Controller, Post } from '@nestjs/common';
import { ClientId } from '../../common/client-id.decorator';
import { WebhookEndpointWithSecretResponseDto } from '../webhook-endpoint.response.dto';
import { RegisterWebhookEndpointHandler } from './register-webhook-endpoint.handler';
import { RegisterWebhookEndpointRequestDto } from './register-webhook-endpoint.request.dto';

@Controller('webhook-endpoints')
export class RegisterWebhookEndpointHttpController {
  constructor(private readonly handler: RegisterWebhookEndpointHandler) {}

  @Post()
  register(@ClientId() clientId: string, @Body() body: RegisterWebhookEndpointRequestDto): Promise<WebhookEndpointWithSecretResponseDto> {
    return this.handler.register(clientId, body);
  }
}
