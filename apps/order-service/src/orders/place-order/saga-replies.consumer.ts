import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { PaymentDeclinedReply, StockReservedReply } from '@order-saga/contracts';
import { MessageProcessor } from '@order-saga/shared/messaging';
import { InventoryProxy } from './inventory.proxy';
import { PaymentProxy } from './payment.proxy';
import { PlaceOrderSagaHandler } from './place-order-saga.handler';

/** Feeds participants' replies into the saga, each in the transaction that records it in the inbox. */
@Controller()
export class SagaRepliesConsumer {
  constructor(
    private readonly processor: MessageProcessor,
    private readonly saga: PlaceOrderSagaHandler,
  ) {}

  @EventPattern(InventoryProxy.reserveStockReplyTopic)
  async onReserveStockReply(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'order.reserve-stock-reply',
      context,
      accepts: InventoryProxy.reserveStockReplies,
      handle: (reply, manager) =>
        this.saga.onReply(
          manager,
          reply,
          reply.payload instanceof StockReservedReply
            ? { type: 'StockReserved', reply: reply.payload }
            : { type: 'StockReservationRejected', reply: reply.payload },
        ),
    });
  }

  @EventPattern(PaymentProxy.processPaymentReplyTopic)
  async onProcessPaymentReply(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'order.process-payment-reply',
      context,
      accepts: PaymentProxy.processPaymentReplies,
      handle: (reply, manager) =>
        this.saga.onReply(
          manager,
          reply,
          reply.payload instanceof PaymentDeclinedReply
            ? { type: 'PaymentDeclined', reply: reply.payload }
            : { type: 'PaymentSucceeded', reply: reply.payload },
        ),
    });
  }

  @EventPattern(InventoryProxy.releaseStockReplyTopic)
  async onReleaseStockReply(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'order.release-stock-reply',
      context,
      accepts: InventoryProxy.releaseStockReplies,
      handle: (reply, manager) => this.saga.onReply(manager, reply, { type: 'StockReleased', reply: reply.payload }),
    });
  }

  @EventPattern(PaymentProxy.refundPaymentReplyTopic)
  async onRefundPaymentReply(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'order.refund-payment-reply',
      context,
      accepts: PaymentProxy.refundPaymentReplies,
      handle: (reply, manager) => this.saga.onReply(manager, reply, { type: 'PaymentRefunded', reply: reply.payload }),
    });
  }
}
