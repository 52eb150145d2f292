import { Controller, Get, Query } from '@nestjs/common';
import { DEFAULT_FIGURES_MINUTES, FiguresRequestDto, SagaFiguresResponseDto } from '@order-saga/contracts/http/operator';
import { SagaFiguresRepository } from './saga-figures.repository';

/**
 * GET /sagas/figures, for the operator console's overview (behind the gateway's operator routes): sagas per
 * outcome per minute, in flight, stuck, duration p50/p99 over the last `minutes` minutes. Registered before
 * GET /sagas/:orderId, which would otherwise take "figures" for an order id.
 */
@Controller('sagas')
export class SagaFiguresHttpController {
  constructor(private readonly figures: SagaFiguresRepository) {}

  @Get('figures')
  read(@Query() query: FiguresRequestDto): Promise<SagaFiguresResponseDto> {
    return this.figures.read(query.minutes ?? DEFAULT_FIGURES_MINUTES);
  }
}
