import { Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { OrderServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';

@ApiTags('customers')
@ApiV1Controller('customers')
export class GetCustomerHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  @Get(':customerId')
  @RequireScope('read')
  @ApiOperation({ summary: 'One of the client’s customers' })
  @ApiResponse({ status: 200, description: 'The customer' })
  @ApiResponse({ status: 404, description: 'NOT_FOUND, also for another client’s customer' })
  async get(@Param('customerId') customerId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.orderService.getCustomer(customerId, forwardedContextOf(request)));
  }
}
