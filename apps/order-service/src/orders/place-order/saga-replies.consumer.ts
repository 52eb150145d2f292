import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { PaymentDeclinedReply, StockReservedReply } from '@order-saga/contracts';
import { MessageProcessor } from '@order-saga/shared/messaging';
import { InventoryProxy } from './inventory.proxy';
import { PaymentProxy } from './payment.proxy';
import { PlaceOrderSaga } from './place-order.saga';

/** Feeds participants' replies into the saga, one transaction per reply. */
@Controller()
export class SagaRepliesConsumer {
  constructor(
    private readonly processor: MessageProcessor,
    private readonly saga: PlaceOrderSaga,
  ) {}

  @EventPattern(InventoryProxy.reserveStockReplyTopic)
  async onReserveStockReply(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'order.reserve-stock-reply',
      context,
      accepts: InventoryProxy.reserveStockReplies,
      handle: (reply, manager) =>
        reply.payload instanceof StockReservedReply
          ? this.saga.onStockReserved(manager, { ...reply, payload: reply.payload })
          : this.saga.onStockReservationRejected(manager, { ...reply, payload: reply.payload }),
    });
  }

  @EventPattern(PaymentProxy.processPaymentReplyTopic)
  async onProcessPaymentReply(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'order.process-payment-reply',
      context,
      accepts: PaymentProxy.processPaymentReplies,
      handle: (reply, manager) =>
        reply.payload instanceof PaymentDeclinedReply
          ? this.saga.onPaymentDeclined(manager, { ...reply, payload: reply.payload })
          : this.saga.onPaymentSucceeded(manager, { ...reply, payload: reply.payload }),
    });
  }

  @EventPattern(InventoryProxy.releaseStockReplyTopic)
  async onReleaseStockReply(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'order.release-stock-reply',
      context,
      accepts: InventoryProxy.releaseStockReplies,
      handle: (reply, manager) => this.saga.onStockReleased(manager, reply),
    });
  }

  @EventPattern(PaymentProxy.refundPaymentReplyTopic)
  async onRefundPaymentReply(@Ctx() context: KafkaContext): Promise<void> {
    await this.processor.process({
      consumer: 'order.refund-payment-reply',
      context,
      accepts: PaymentProxy.refundPaymentReplies,
      handle: (reply, manager) => this.saga.onPaymentRefunded(manager, reply),
    });
  }
}
