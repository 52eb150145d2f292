import { Controller, Get, Query } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT } from '@order-saga/contracts/http';
import { ListOperatorWebhookEndpointsRequestDto, OperatorWebhookEndpointPageResponseDto } from '@order-saga/contracts/http/operator';
import { pageOf } from '@order-saga/shared/http';
import { Clock } from '../../domain/clock';
import { OperatorWebhookRepository } from '../operator-webhook.repository';
import { toOperatorEndpointResponse } from '../operator-webhook.response.dto';

/** Operators' list of every client's webhook endpoints (behind the gateway's operator routes), oldest first; never a secret. */
@Controller('operator/webhook-endpoints')
export class ListOperatorWebhookEndpointsHttpController {
  constructor(
    private readonly webhooks: OperatorWebhookRepository,
    private readonly clock: Clock,
  ) {}

  @Get()
  async list(@Query() query: ListOperatorWebhookEndpointsRequestDto): Promise<OperatorWebhookEndpointPageResponseDto> {
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const enabled = query.enabled === undefined ? undefined : query.enabled === 'true';
    const rows = await this.webhooks.findEndpointPage({ clientId: query.client_id, enabled }, limit, query.cursor);
    const now = this.clock.now();
    return pageOf(
      rows,
      limit,
      (row) => ({ createdAt: row.position, id: row.endpoint.endpointId }),
      (row) => toOperatorEndpointResponse(row.endpoint, now),
    );
  }
}
