import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { KafkaContext } from '@nestjs/microservices';
import { DEAD_LETTER_HEADERS, deadLetterTopicOf } from '@order-saga/contracts';
import { PinoLogger } from 'nestjs-pino';
import { CompressionTypes, IHeaders, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { IdempotentProducer } from './idempotent-producer';
import { KAFKA } from './kafka.tokens';

/**
 * Parks a message a consumer cannot process on that consumer's dead-letter topic
 * (`<owner>.deadletter.<name>.v1`): the original key, bytes and headers, plus headers naming the
 * original topic/partition/offset, the consumer and the error.
 *
 * The `dead_letter` table gets the same record, `parked`: that row is what operators list, redrive and
 * discard (dead-letters/: a redrive goes through the outbox in the transaction that marks the row, so it
 * happens once). The topic stays for Kafka tooling (`npm run dlq:redrive` reads it, and knows nothing of
 * the rows). A crash between the two writes redelivers the message, which parks it again: one more copy on
 * the topic, one row still (unique per topic, partition, offset and consumer).
 */
@Injectable()
export class DeadLetterQueue implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Replaced after a failed send (see IdempotentProducer); the message is then redelivered and parked again. */
  private readonly producer: IdempotentProducer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly logger: PinoLogger,
  ) {
    this.producer = new IdempotentProducer(kafka);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }

  /**
   * Resolves only once the broker acknowledged the dead letter (acks=all), so the caller may then let
   * the consumer commit past the original message; a failure here throws and the message is redelivered.
   */
  async park(consumer: string, context: KafkaContext, reason: string, now = new Date()): Promise<void> {
    const message = context.getMessage();
    const topic = deadLetterTopicOf(consumer);
    const headers: IHeaders = {
      ...(message.headers ?? {}),
      [DEAD_LETTER_HEADERS.originalTopic]: context.getTopic(),
      [DEAD_LETTER_HEADERS.originalPartition]: String(context.getPartition()),
      [DEAD_LETTER_HEADERS.originalOffset]: message.offset,
      [DEAD_LETTER_HEADERS.consumer]: consumer,
      [DEAD_LETTER_HEADERS.error]: reason.slice(0, 2000),
      [DEAD_LETTER_HEADERS.deadLetteredAt]: now.toISOString(),
    };
    await this.producer.send({
      topic,
      acks: -1,
      compression: CompressionTypes.None,
      messages: [{ key: toBuffer(message.key), value: toBuffer(message.value), headers }],
    });
    await this.dataSource.query(
      `INSERT INTO dead_letter (consumer, topic, partition, "offset", message_key, value, headers, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      [
        consumer,
        context.getTopic(),
        context.getPartition(),
        message.offset,
        toBuffer(message.key),
        toBuffer(message.value),
        JSON.stringify(headerStrings(message.headers)),
        reason,
      ],
    );
    this.logger.warn(
      { consumer, topic: context.getTopic(), partition: context.getPartition(), offset: message.offset, dead_letter_topic: topic, error: reason },
      'message dead-lettered',
    );
  }
}

function toBuffer(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value;
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
}

function headerStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, Buffer.isBuffer(value) ? value.toString() : String(value)]));
}
