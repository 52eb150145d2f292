/**
 * Every Kafka topic of the platform. Names read `<owner>.<kind>.<name>.v<N>`; a breaking change to a
 * message is a new topic version, never an edit of an existing one.
 */
export const TOPICS = {
  inventory: {
    reserveStockCommand: 'inventory.command.reserve-stock.v1',
    reserveStockReply: 'inventory.reply.reserve-stock.v1',
    releaseStockCommand: 'inventory.command.release-stock.v1',
    releaseStockReply: 'inventory.reply.release-stock.v1',
    confirmReservationCommand: 'inventory.command.confirm-reservation.v1',
  },
  payment: {
    processPaymentCommand: 'payment.command.process-payment.v1',
    processPaymentReply: 'payment.reply.process-payment.v1',
    refundPaymentCommand: 'payment.command.refund-payment.v1',
    refundPaymentReply: 'payment.reply.refund-payment.v1',
  },
  order: {
    lifecycleEvents: 'order.event.lifecycle.v1',
  },
  notification: {
    /** Announcements about webhook deliveries, e.g. WebhookDeliveryFailed. */
    webhookDeliveryEvents: 'notification.event.webhook-delivery.v1',
  },
  /**
   * One dead-letter topic per consumer, `<owner>.deadletter.<consumer>.v1` (see deadLetterTopicOf):
   * a message that consumer could not process, with its original bytes, headers and the error.
   */
  deadLetter: {
    orderReserveStockReply: 'order.deadletter.reserve-stock-reply.v1',
    orderProcessPaymentReply: 'order.deadletter.process-payment-reply.v1',
    orderReleaseStockReply: 'order.deadletter.release-stock-reply.v1',
    orderRefundPaymentReply: 'order.deadletter.refund-payment-reply.v1',
    inventoryReserveStock: 'inventory.deadletter.reserve-stock.v1',
    inventoryReleaseStock: 'inventory.deadletter.release-stock.v1',
    inventoryConfirmReservation: 'inventory.deadletter.confirm-reservation.v1',
    inventoryOrderEvents: 'inventory.deadletter.order-events.v1',
    paymentProcessPayment: 'payment.deadletter.process-payment.v1',
    paymentRefundPayment: 'payment.deadletter.refund-payment.v1',
    notificationOrderEvents: 'notification.deadletter.order-events.v1',
  },
} as const;

type Leaves<T> = T extends string ? T : { [K in keyof T]: Leaves<T[K]> }[keyof T];
export type TopicName = Leaves<typeof TOPICS>;

export function allTopics(): TopicName[] {
  return Object.values(TOPICS).flatMap((group) => Object.values(group)) as TopicName[];
}

/**
 * The dead-letter topic of a consumer named `<owner>.<name>` (the inbox consumer name):
 * `<owner>.deadletter.<name>.v1`, so dead letters follow the owner.kind.name.vN convention.
 */
export function deadLetterTopicOf(consumer: string): string {
  const dot = consumer.indexOf('.');
  if (dot <= 0 || dot === consumer.length - 1) throw new Error(`consumer name "${consumer}" is not <owner>.<name>`);
  return `${consumer.slice(0, dot)}.deadletter.${consumer.slice(dot + 1)}.v1`;
}

/** Headers a dead letter carries next to the original message's own headers and bytes. */
export const DEAD_LETTER_HEADERS = {
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  consumer: 'dlq-consumer',
  error: 'dlq-error',
  deadLetteredAt: 'dlq-dead-lettered-at',
  /** Set by the re-drive command on the message it puts back, for tracing. */
  redrivenFrom: 'dlq-redriven-from',
} as const;

/** Partitions per topic: enough for a few consumer replicas while keeping a laptop broker light. */
export const TOPIC_PARTITIONS = 6;
