import { Controller, Get, Query } from '@nestjs/common';
import { ClientId } from '../../common/client-id.decorator';
import { DEFAULT_PAGE_LIMIT, Page, pageOf } from '../../common/page-cursor';
import { CustomerPageRow, CustomerRepository } from '../customer.repository';
import { CustomerResponseDto, toCustomerResponse } from '../customer.response.dto';
import { ListCustomersRequestDto } from './list-customers.request.dto';

@Controller('customers')
export class ListCustomersHttpController {
  constructor(private readonly customers: CustomerRepository) {}

  @Get()
  async list(@ClientId() clientId: string, @Query() query: ListCustomersRequestDto): Promise<Page<CustomerResponseDto>> {
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
