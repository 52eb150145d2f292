import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { REFUND_PAYMENT, TOPICS } from '@order-saga/contracts';
import { MessageProcessor } from '@order-saga/shared/messaging';
import { RefundPaymentHandler } from './refund-payment.handler';

@Controller()
export class RefundPaymentConsumer {
  constructor(
    private readonly processor: MessageProcessor,
    private readonly handler: RefundPaymentHandler,
  ) {}

  @EventPattern(TOPICS.payment.refundPaymentCommand)
  async onRefundPayment(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'payment.refund-payment',
      context,
      accepts: [REFUND_PAYMENT],
      handle: (envelope, manager) => this.handler.handle(envelope, manager),
    });
  }
}
