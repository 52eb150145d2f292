import { randomUUID } from 'node:crypto';
import { MessageDefinition, MessageEnvelope, StockReservedReply, TOPICS } from '@order-saga/contracts';
import { waitForConsumerGroup } from '@order-saga/shared/messaging';
import { pollUntil, testEnvelope } from '@order-saga/shared/testing';
import { Consumer, Kafka, Producer } from 'kafkajs';

/** A command the saga sent, as a participant received it. */
export interface SeenCommand {
  topic: string;
  envelope: MessageEnvelope<{ orderId: string } & Record<string, unknown>>;
}

/** What inventory answers when it reserved `quantity` of SKU-IT-1 at 12.50 for the order. */
export function stockReservedFor(orderId: string, quantity: number, reservationId: string = randomUUID()): StockReservedReply {
  return { orderId, reservationId, items: [{ productId: 'SKU-IT-1', quantity, unitPriceCents: 1250 }], totalCents: quantity * 1250, currency: 'USD' };
}

/**
 * Plays inventory-service and payment-service on the real command and reply topics, for integration specs
 * of the saga: records every command the saga sends, and replies as a participant would, when told (so a
 * spec can stay silent, answer late or answer twice).
 */
export class FakeParticipants {
  readonly commands: SeenCommand[] = [];
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
  ) {}

  async start(): Promise<void> {
    this.consumer = this.kafka.consumer({ groupId: this.groupId });
    this.producer = this.kafka.producer();
    await Promise.all([this.consumer.connect(), this.producer.connect()]);
    await this.consumer.subscribe({
      fromBeginning: true,
      topics: [
        TOPICS.inventory.reserveStockCommand,
        TOPICS.inventory.releaseStockCommand,
        TOPICS.inventory.confirmReservationCommand,
        TOPICS.payment.processPaymentCommand,
        TOPICS.payment.refundPaymentCommand,
      ],
    });
    await this.consumer.run({ eachMessage: async ({ topic, message }) => void this.commands.push({ topic, envelope: JSON.parse(String(message.value)) }) });
    await waitForConsumerGroup(this.kafka, this.groupId);
  }

  async stop(): Promise<void> {
    await Promise.all([this.consumer?.disconnect(), this.producer?.disconnect()]);
  }

  sent(orderId: string, type: string): SeenCommand[] {
    return this.commands.filter((command) => command.envelope.correlationId === orderId && command.envelope.type === type);
  }

  /** Resolves with the `count`-th command of `type` the saga sent for the order. */
  awaitCommand(orderId: string, type: string, count = 1): Promise<SeenCommand> {
    return pollUntil(async () => this.sent(orderId, type)[count - 1], { description: `${type} #${count} for ${orderId}` });
  }

  async reply<T extends object>(definition: MessageDefinition<T>, cause: SeenCommand | null, orderId: string, payload: T): Promise<void> {
    if (!this.producer) throw new Error('FakeParticipants.start() first');
    const envelope = testEnvelope(definition, orderId, payload, { causationId: cause?.envelope.messageId ?? null });
    await this.producer.send({ topic: definition.topic, messages: [{ key: orderId, value: JSON.stringify(envelope) }] });
  }
}
