import { Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CustomerResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
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
  @ApiV1Response(200, 'The customer, status inactive', CustomerResponseDto)
  @ApiV1ErrorResponse(404, 'NOT_FOUND, also for another client’s customer')
  async deactivate(@Param('customerId') customerId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.orderService.deactivateCustomer(customerId, forwardedContextOf(request)));
  }
}
