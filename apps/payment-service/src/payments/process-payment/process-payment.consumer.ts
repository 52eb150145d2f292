import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { PROCESS_PAYMENT, TOPICS } from '@order-saga/contracts';
import { MessageProcessor } from '@order-saga/shared/messaging';
import { ProcessPaymentHandler } from './process-payment.handler';

@Controller()
export class ProcessPaymentConsumer {
  constructor(
    private readonly processor: MessageProcessor,
    private readonly handler: ProcessPaymentHandler,
  ) {}

  @EventPattern(TOPICS.payment.processPaymentCommand)
  async onProcessPayment(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'payment.process-payment',
      context,
      accepts: [PROCESS_PAYMENT],
      handle: (envelope, manager) => this.handler.handle(envelope, manager),
    });
  }
}
