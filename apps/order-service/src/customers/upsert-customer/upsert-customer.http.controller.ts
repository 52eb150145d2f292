import { Body, Controller, Param, Put } from '@nestjs/common';
import { CustomerResponseDto } from '@order-saga/contracts/http';
import { DataSource } from 'typeorm';
import { ClientId } from '../../common/client-id.decorator';
import { Customer } from '../customer.entity';
import { toCustomerResponse } from '../customer.response.dto';
import { UpsertCustomerRequestDto } from './upsert-customer.request.dto';

@Controller('customers')
export class UpsertCustomerHttpController {
  constructor(private readonly dataSource: DataSource) {}

  @Put(':customerId')
  async upsert(@ClientId() clientId: string, @Param('customerId') customerId: string, @Body() body: UpsertCustomerRequestDto): Promise<CustomerResponseDto> {
    const repository = this.dataSource.getRepository(Customer);
    await repository.upsert({ clientId, customerId, name: body.name, email: body.email ?? null, status: body.status ?? 'active' }, ['clientId', 'customerId']);
    return toCustomerResponse(await repository.findOneByOrFail({ clientId, customerId }));
  }
}
