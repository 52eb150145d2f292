import { Kafka, Producer, ProducerBatch, ProducerRecord, RecordMetadata } from 'kafkajs';

/**
 * A kafkajs idempotent producer (acks=all, one request in flight, so order per partition holds) that is
 * thrown away after any failed send and replaced by a new one on the next send.
 *
 * After a send whose answer never came (a broker restart), the producer's sequence numbers may no
 * longer match the broker's, and kafkajs cannot bump its epoch to recover. Sending on with it, the
 * broker rejects every batch as out of order, or takes a later batch whose sequence numbers it has
 * already seen for a duplicate and acknowledges it without writing it: messages the sender counts as
 * delivered that no consumer ever sees (found by the chaos suite; docs/saga-reliability.md). A new
 * producer gets a new producer id and starts its sequences afresh. The caller re-sends what failed,
 * at worst a second copy, which the consumers' inbox absorbs.
 */
export class IdempotentProducer {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;

  constructor(private readonly kafka: Kafka) {}

  /** Connects now rather than on the first send (a service that cannot reach the broker fails to boot). */
  async connect(): Promise<void> {
    await this.connected();
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.using((producer) => producer.send(record));
  }

  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.using((producer) => producer.sendBatch(batch));
  }

  async disconnect(): Promise<void> {
    const producer = this.producer ?? (await this.connecting?.catch(() => undefined));
    this.producer = undefined;
    await producer?.disconnect();
  }

  private async using(send: (producer: Producer) => Promise<RecordMetadata[]>): Promise<RecordMetadata[]> {
    const producer = await this.connected();
    try {
      return await send(producer);
    } catch (error) {
      if (this.producer === producer) this.producer = undefined;
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      try {
        await producer.connect();
        this.producer = producer;
        return producer;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }
}
