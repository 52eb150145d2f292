import { Controller, Get, Param } from '@nestjs/common';
import { CustomerResponseDto } from '@order-saga/contracts/http';
import { ClientId } from '../../common/client-id.decorator';
import { CustomerRepository } from '../customer.repository';
import { toCustomerResponse } from '../customer.response.dto';

@Controller('customers')
export class GetCustomerHttpController {
  constructor(private readonly customers: CustomerRepository) {}

  @Get(':customerId')
  async get(@ClientId() clientId: string, @Param('customerId') customerId: string): Promise<CustomerResponseDto> {
    return toCustomerResponse(await this.customers.get(clientId, customerId));
  }
}
