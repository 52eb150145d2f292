import { Controller, Get, Query } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT } from '@order-saga/contracts/http';
import { ListSagasRequestDto, OperatorSagaPageResponseDto } from '@order-saga/contracts/http/operator';
import { pageOf } from '../../common/page-cursor';
import { OperatorSagaRepository } from '../operator-saga.repository';

/**
 * Operators' listing of every client's sagas (behind the gateway's operator routes), oldest change first,
 * e.g. `GET /sagas?state=stuck&older_than=60`; state, step, age, client and customer filters are ANDed.
 */
@Controller('sagas')
export class ListSagasHttpController {
  constructor(private readonly sagas: OperatorSagaRepository) {}

  @Get()
  async list(@Query() query: ListSagasRequestDto): Promise<OperatorSagaPageResponseDto> {
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.sagas.findPage(
      { state: query.state, step: query.step, olderThanSeconds: query.older_than, clientId: query.client_id, customerId: query.customer_id },
      limit,
      query.cursor,
    );
    return pageOf(
      rows,
      limit,
      (row) => row.position,
      (row) => row.saga,
    );
  }
}
