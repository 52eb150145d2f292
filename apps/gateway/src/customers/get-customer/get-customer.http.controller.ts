import { Get, Param, Req, Res } from '@nestjs/common';
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
export class GetCustomerHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  @Get(':customerId')
  @RequireScope('read')
  @ApiOperation({ summary: 'One of the client’s customers' })
  @ApiV1Response(200, 'The customer', CustomerResponseDto)
  @ApiV1ErrorResponse(404, 'NOT_FOUND, also for another client’s customer')
  async get(@Param('customerId') customerId: string, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.orderService.getCustomer(customerId, forwardedContextOf(request)));
  }
}
