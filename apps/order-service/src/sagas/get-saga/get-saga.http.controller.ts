import { Controller, Get, Param } from '@nestjs/common';
import type { OperatorSagaDetailResponseDto } from '@order-saga/contracts/http/operator';
import { DomainError } from '@order-saga/shared/http';
import { OperatorSagaRepository } from '../operator-saga.repository';

/** One saga, for operators: its row, its whole timeline (operator actions with who and why) and its order's Kafka messages. */
@Controller('sagas')
export class GetSagaHttpController {
  constructor(private readonly sagas: OperatorSagaRepository) {}

  @Get(':orderId')
  async get(@Param('orderId') orderId: string): Promise<OperatorSagaDetailResponseDto> {
    const saga = await this.sagas.findDetail(orderId);
    if (!saga) throw new DomainError('NOT_FOUND', `Order ${orderId} has no saga`);
    return saga;
  }
}
