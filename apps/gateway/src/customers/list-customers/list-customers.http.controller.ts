import { Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ListCustomersRequestDto, CustomerPageResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { singleValuedQuery } from '../../orders/list-orders/relay-input';
import { OrderServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';

@ApiTags('customers')
@ApiV1Controller('customers')
export class ListCustomersHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'The client’s customers, newest first (cursor pagination)' })
  @ApiQuery({ type: ListCustomersRequestDto })
  @ApiV1Response(200, 'A page of customers, newest first', CustomerPageResponseDto)
  @ApiV1ErrorResponse(400, 'VALIDATION_ERROR naming the invalid parameter')
  async list(@Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    relayReply(response, await this.orderService.listCustomers(singleValuedQuery(request), forwardedContextOf(request)));
  }
}
