import { Injectable } from '@nestjs/common';
import { KafkaContext, KafkaRetriableException } from '@nestjs/microservices';
import { decodeMessage, MessageDefinition, MessageEnvelope, PayloadOf, UndecodableMessageError } from '@order-saga/contracts';
import { traceIdOf } from '@order-saga/shared/logging';
import { PinoLogger } from 'nestjs-pino';
import { DataSource, EntityManager } from 'typeorm';

export interface ProcessOptions<D extends MessageDefinition<object>> {
  /** Names this consumer in the inbox: two consumers of one message each handle it once. */
  consumer: string;
  context: KafkaContext;
  accepts: readonly D[];
  handle: (envelope: MessageEnvelope<PayloadOf<D>>, manager: EntityManager, logger: PinoLogger) => Promise<void>;
}

/**
 * Runs a Kafka message's effect exactly once per consumer:
 * - the message id goes into the inbox in the same transaction as the effect, so a redelivery is a no-op;
 * - the handler returns (and kafkajs commits the offset) only after that transaction committed;
 * - a message that can never be decoded is parked in `dead_letter` with its original bytes, and the
 *   consumer moves on; any other failure is rethrown as retriable, so the offset is not committed.
 */
@Injectable()
export class MessageProcessor {
  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: PinoLogger,
  ) {}

  async process<D extends MessageDefinition<object>>({ consumer, context, accepts, handle }: ProcessOptions<D>): Promise<void> {
    const raw = context.getMessage();
    let envelope: MessageEnvelope<PayloadOf<D>>;
    try {
      envelope = decodeMessage(raw.value, accepts).envelope;
    } catch (error) {
      if (!(error instanceof UndecodableMessageError)) throw error;
      await this.deadLetter(consumer, context, error);
      return;
    }
    const log = this.logger;
    const fields = {
      consumer,
      message_id: envelope.messageId,
      message_type: envelope.type,
      order_id: envelope.correlationId,
      request_id: envelope.requestId,
      trace_id: traceIdOf(envelope.traceparent),
    };
    try {
      await this.dataSource.transaction(async (manager) => {
        const inserted: unknown[] = await manager.query(
          `INSERT INTO inbox (message_id, consumer) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING message_id`,
          [envelope.messageId, consumer],
        );
        if (inserted.length === 0) {
          log.info(fields, 'duplicate message skipped');
          return;
        }
        await handle(envelope, manager, log);
      });
      log.debug(fields, 'message handled');
    } catch (error) {
      log.error({ ...fields, err: error }, 'message handling failed; it will be redelivered');
      throw new KafkaRetriableException((error as Error).message);
    }
  }

  private async deadLetter(consumer: string, context: KafkaContext, error: UndecodableMessageError): Promise<void> {
    const message = context.getMessage();
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
        error.message,
      ],
    );
    this.logger.warn(
      { consumer, topic: context.getTopic(), partition: context.getPartition(), offset: message.offset, error: error.message },
      'undecodable message dead-lettered',
    );
  }
}

function toBuffer(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value;
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
}

function headerStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}
