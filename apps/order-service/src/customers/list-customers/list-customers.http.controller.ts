import { Controller, Get, Query } from '@nestjs/common';
import { CustomerPageResponseDto, DEFAULT_PAGE_LIMIT, ListCustomersRequestDto } from '@order-saga/contracts/http';
import { ClientId } from '../../common/client-id.decorator';
import { pageOf } from '../../common/page-cursor';
import { CustomerPageRow, CustomerRepository } from '../customer.repository';
import { toCustomerResponse } from '../customer.response.dto';

@Controller('customers')
export class ListCustomersHttpController {
  constructor(private readonly customers: CustomerRepository) {}

  @Get()
  async list(@ClientId() clientId: string, @Query() query: ListCustomersRequestDto): Promise<CustomerPageResponseDto> {
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.customers.findPage(clientId, query.status, limit, query.cursor);
    return pageOf(
      rows,
      limit,
      (row: CustomerPageRow) => row.position,
      (row) => toCustomerResponse(row.customer),
    );
  }
}
