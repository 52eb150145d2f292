import { ApiProperty } from '@nestjs/swagger';
import { ApiClosedSchema } from '../api-closed-schema';
import { PaginationResponseDto } from '../common/pagination.response.dto';
import { WebhookEndpointResponseDto } from '../webhooks/webhook-endpoint.response.dto';

/** An endpoint as operators see it: the client's view (never its secret) and whose it is. */
@ApiClosedSchema('OperatorWebhookEndpoint', 'A webhook endpoint of any client; never its secret')
export class OperatorWebhookEndpointResponseDto extends WebhookEndpointResponseDto {
  @ApiProperty({ example: 'demo-client' })
  client_id: string;
}

@ApiClosedSchema('OperatorWebhookEndpointPage')
export class OperatorWebhookEndpointPageResponseDto {
  @ApiProperty({ type: [OperatorWebhookEndpointResponseDto] })
  data: OperatorWebhookEndpointResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination: PaginationResponseDto;
}
