import { Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateCustomerRequestDto, CustomerResponseDto } from '@order-saga/contracts/http';
import { ApiV1ErrorResponse, ApiV1Response } from '../../openapi/api-responses';
import type { Response } from 'express';
import { AuthenticatedRequest, RequireScope } from '../../auth/access-token.guard';
import { ApiV1Controller } from '../../auth/api-v1-controller';
import { requireJsonBody } from '../../orders/list-orders/relay-input';
import { OrderServiceProxy } from '../../upstream/upstream-proxies';
import { forwardedContextOf, relayReply } from '../../upstream/upstream-service.proxy';

/** Customers belong to the calling client: order-service scopes every customer by the client id the gateway vouches for. */
@ApiTags('customers')
@ApiV1Controller('customers')
export class CreateCustomerHttpController {
  constructor(private readonly orderService: OrderServiceProxy) {}

  @Post()
  @RequireScope('write')
  @ApiBody({ type: CreateCustomerRequestDto })
  @ApiOperation({ summary: 'Create an active customer: { customer_id?, name, email? }' })
  @ApiV1Response(201, 'The customer, status active', CustomerResponseDto)
  @ApiV1ErrorResponse(400, 'VALIDATION_ERROR')
  @ApiV1ErrorResponse(409, 'CONFLICT: the customer_id is already used by this client')
  async create(@Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    const customer = requireJsonBody(request);
    relayReply(response, await this.orderService.createCustomer(customer, forwardedContextOf(request)));
  }
}
