import { Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { OrderServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';

@ApiTags('customers')
@ApiV1Controller('customers')
export class DeactivateCustomerHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  /** A state change, not a deletion (orders keep their customer), hence POST …/deactivate rather than DELETE. */
  @Post(':customerId/deactivate')
  @RequireScope('write')
  @ApiOperation({ summary: 'Deactivate a customer; new orders for it get 400 INVALID_CUSTOMER. Idempotent.' })
  @ApiResponse({ status: 200, description: 'The customer, status inactive' })
  @ApiResponse({ status: 404, description: 'NOT_FOUND, also for another client’s customer' })
  async deactivate(@Param('customerId') customerId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.orderService.deactivateCustomer(customerId, forwardedContextOf(request)));
  }
}
