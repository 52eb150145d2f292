import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { RELEASE_STOCK, TOPICS } from '@order-saga/contracts';
import { MessageProcessor } from '@order-saga/shared/messaging';
import { ReleaseStockHandler } from './release-stock.handler';

@Controller()
export class ReleaseStockConsumer {
  constructor(
    private readonly processor: MessageProcessor,
    private readonly handler: ReleaseStockHandler,
  ) {}

  @EventPattern(TOPICS.inventory.releaseStockCommand)
  async onReleaseStock(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'inventory.release-stock',
      context,
      accepts: [RELEASE_STOCK],
      handle: (envelope, manager) => this.handler.handle(envelope, manager),
    });
  }
}
