import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { ORDER_CANCELLED, ORDER_CREATED, ORDER_UPDATED, TOPICS } from '@order-saga/contracts';
import { MessageProcessor } from '@order-saga/shared/messaging';
import { ConfirmReservationHandler } from './confirm-reservation.handler';

/**
 * A confirmed order's reservation is committed: inventory reads order-service's OrderCreated event for it,
 * the same message notification-service turns into webhooks, rather than a command of its own. The topic's
 * other events ask nothing of inventory and are read past unparsed (a cancelled order's stock comes back
 * with ReleaseStock, an unreserved one never left).
 */
@Controller()
export class OrderCreatedConsumer {
  constructor(
    private readonly processor: MessageProcessor,
    private readonly handler: ConfirmReservationHandler,
  ) {}

  @EventPattern(TOPICS.order.lifecycleEvents)
  async onOrderEvent(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'inventory.order-events',
      context,
      accepts: [ORDER_CREATED],
      ignores: [ORDER_CANCELLED, ORDER_UPDATED],
      handle: (envelope, manager) => this.handler.handleOrderCreated(envelope, manager),
    });
  }
}
