import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CustomerResponseDto } from '@order-saga/contracts/http';
import { ClientId } from '../../common/client-id.decorator';
import { Customer } from '../customer.entity';
import { CustomerRepository } from '../customer.repository';
import { toCustomerResponse } from '../customer.response.dto';

/**
 * Deactivation, not deletion: the customer's orders keep referring to it, and new orders for it are
 * refused with INVALID_CUSTOMER. Deactivating twice is not an error.
 */
@Controller('customers')
export class DeactivateCustomerHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly customers: CustomerRepository,
  ) {}

  @Post(':customerId/deactivate')
  @HttpCode(200)
  async deactivate(@ClientId() clientId: string, @Param('customerId') customerId: string): Promise<CustomerResponseDto> {
    await this.customers.get(clientId, customerId);
    await this.dataSource.getRepository(Customer).update({ clientId, customerId }, { status: 'inactive' });
    return toCustomerResponse(await this.customers.get(clientId, customerId));
  }
}
