import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { RESERVE_STOCK, TOPICS } from '@order-saga/contracts';
import { MessageProcessor } from '@order-saga/shared/messaging';
import { ReserveStockHandler } from './reserve-stock.handler';

@Controller()
export class ReserveStockConsumer {
  constructor(
    private readonly processor: MessageProcessor,
    private readonly handler: ReserveStockHandler,
  ) {}

  @EventPattern(TOPICS.inventory.reserveStockCommand)
  async onReserveStock(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'inventory.reserve-stock',
      context,
      accepts: [RESERVE_STOCK],
      handle: (envelope, manager) => this.handler.handle(envelope, manager),
    });
  }
}
