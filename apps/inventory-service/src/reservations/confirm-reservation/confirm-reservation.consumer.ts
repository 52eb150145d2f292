import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { CONFIRM_RESERVATION, TOPICS } from '@order-saga/contracts';
import { MessageProcessor } from '@order-saga/shared/messaging';
import { ConfirmReservationHandler } from './confirm-reservation.handler';

/**
 * ConfirmReservation commands, which order-service sent before OrderCreated took their place
 * (OrderCreatedConsumer). Kept so that commands already on the topic, or from an order-service not yet
 * upgraded, still confirm their reservations; it can go once no producer is older than that change.
 */
@Controller()
export class ConfirmReservationConsumer {
  constructor(
    private readonly processor: MessageProcessor,
    private readonly handler: ConfirmReservationHandler,
  ) {}

  @EventPattern(TOPICS.inventory.confirmReservationCommand)
  async onConfirmReservation(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'inventory.confirm-reservation',
      context,
      accepts: [CONFIRM_RESERVATION],
      handle: (envelope, manager) => this.handler.handle(envelope, manager),
    });
  }
}
