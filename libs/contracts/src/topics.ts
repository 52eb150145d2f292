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
  },
  payment: {
    processPaymentCommand: 'payment.command.process-payment.v1',
    processPaymentReply: 'payment.reply.process-payment.v1',
  },
  order: {
    lifecycleEvents: 'order.event.lifecycle.v1',
  },
} as const;

type Leaves<T> = T extends string ? T : { [K in keyof T]: Leaves<T[K]> }[keyof T];
export type TopicName = Leaves<typeof TOPICS>;

export function allTopics(): TopicName[] {
  return Object.values(TOPICS).flatMap((group) => Object.values(group)) as TopicName[];
}

/** Partitions per topic: enough for a few consumer replicas while keeping a laptop broker light. */
export const TOPIC_PARTITIONS = 6;
