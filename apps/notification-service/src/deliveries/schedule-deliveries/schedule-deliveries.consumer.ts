import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { ORDER_CANCELLED, ORDER_CREATED, ORDER_UPDATED, TOPICS } from '@order-saga/contracts';
import { MessageProcessor } from '@order-saga/shared/messaging';
import { ScheduleDeliveriesHandler } from './schedule-deliveries.handler';

@Controller()
export class ScheduleDeliveriesConsumer {
  constructor(
    private readonly processor: MessageProcessor,
    private readonly handler: ScheduleDeliveriesHandler,
  ) {}

  @EventPattern(TOPICS.order.lifecycleEvents)
  async onOrderEvent(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'notification.order-events',
      context,
      accepts: [ORDER_CREATED, ORDER_UPDATED, ORDER_CANCELLED],
      handle: (envelope, manager) => this.handler.handle(envelope, manager),
    });
  }
}
