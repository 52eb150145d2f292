import { Body, Controller, Param, Put } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClientId } from '../../common/client-id.decorator';
import { Customer } from '../customer.entity';
import { UpsertCustomerRequestDto } from './upsert-customer.request.dto';

@Controller('customers')
export class UpsertCustomerHttpController {
  constructor(private readonly dataSource: DataSource) {}

  @Put(':customerId')
  async upsert(@ClientId() clientId: string, @Param('customerId') customerId: string, @Body() body: UpsertCustomerRequestDto) {
    const repository = this.dataSource.getRepository(Customer);
    await repository.upsert({ clientId, customerId, name: body.name, email: body.email ?? null, status: body.status ?? 'active' }, ['clientId', 'customerId']);
    const customer = await repository.findOneByOrFail({ clientId, customerId });
    return {
      customer_id: customer.customerId,
      name: customer.name,
      email: customer.email,
      status: customer.status,
      created_at: customer.createdAt.toISOString(),
    };
  }
}
