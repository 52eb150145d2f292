import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ClientId } from '../../common/client-id.decorator';
import { DeleteWebhookEndpointHandler } from './delete-webhook-endpoint.handler';

@Controller('webhook-endpoints')
export class DeleteWebhookEndpointHttpController {
  constructor(private readonly handler: DeleteWebhookEndpointHandler) {}

  @Delete(':endpointId')
  @HttpCode(204)
  async delete(@ClientId() clientId: string, @Param('endpointId') endpointId: string): Promise<void> {
    await this.handler.delete(clientId, endpointId);
  }
}
