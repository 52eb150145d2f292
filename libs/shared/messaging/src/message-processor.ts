import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { KafkaContext, KafkaRetriableException } from '@nestjs/microservices';
import { decodeMessage, MessageDefinition, MessageEnvelope, PayloadOf, UndecodableMessageError } from '@order-saga/contracts';
import { spanIdOf, traceIdOf } from '@order-saga/shared/logging';
import { deadLettered, inConsumerSpan, messagesProcessed } from '@order-saga/shared/observability';
import { PinoLogger } from 'nestjs-pino';
import { storage, Store } from 'nestjs-pino/storage';
import { DataSource, EntityManager } from 'typeorm';
import { DeadLetterQueue } from './dead-letter-queue';
import { isInfrastructureFailure } from './failure-kind';

export interface ProcessOptions<D extends MessageDefinition<object>> {
  /** Names this consumer in the inbox (`<owner>.<name>`): two consumers of one message each handle it once. */
  consumer: string;
  context: KafkaContext;
  accepts: readonly D[];
  handle: (envelope: MessageEnvelope<PayloadOf<D>>, manager: EntityManager, logger: PinoLogger) => Promise<void>;
}

const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_RETRY_BACKOFF_MS = 200;

/**
 * Runs a Kafka message's effect exactly once per consumer:
 * - the message id goes into the inbox in the same transaction as the effect, so a redelivery is a no-op;
 * - the handler returns (and kafkajs commits the offset) only after that transaction committed, so a
 *   crash before the commit means redelivery, and a crash after it means a redelivery the inbox skips;
 * - a message that can never be decoded goes to the consumer's dead-letter topic at once;
 * - a failing handler is retried with exponential backoff (MESSAGE_MAX_ATTEMPTS, MESSAGE_RETRY_BACKOFF_MS);
 *   when attempts run out it is dead-lettered, unless the failure is the infrastructure's (database
 *   unreachable, deadlock): then the message is not a poison one, and it is rethrown as retriable so
 *   kafkajs redelivers it without committing, however long the outage lasts.
 */
@Injectable()
export class MessageProcessor {
  private readonly maxAttempts: number;
  private readonly backoffMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly deadLetters: DeadLetterQueue,
    private readonly logger: PinoLogger,
    config: ConfigService,
  ) {
    this.maxAttempts = Number(config.get('MESSAGE_MAX_ATTEMPTS') ?? DEFAULT_MAX_ATTEMPTS);
    this.backoffMs = Number(config.get('MESSAGE_RETRY_BACKOFF_MS') ?? DEFAULT_RETRY_BACKOFF_MS);
  }

  async process<D extends MessageDefinition<object>>(options: ProcessOptions<D>): Promise<void> {
    const { consumer, context, accepts } = options;
    let received: MessageEnvelope<PayloadOf<D>>;
    try {
      received = decodeMessage(context.getMessage().value, accepts).envelope;
    } catch (error) {
      if (!(error instanceof UndecodableMessageError)) throw error;
      await this.deadLetters.park(consumer, context, error.message);
      this.countDeadLettered(consumer, context);
      return;
    }
    // One span per message, continuing the sender's trace; the messages this one causes carry the
    // span's traceparent (handlers take it from the envelope through originOf), so the saga's hops
    // across services form one trace.
    const attributes = { 'messaging.system': 'kafka', 'messaging.destination.name': context.getTopic(), 'messaging.consumer.group.name': consumer, 'messaging.message.id': received.messageId, order_id: received.correlationId };
    await inConsumerSpan(`${received.type} process`, received.traceparent, attributes, (traceparent) => {
      const envelope = { ...received, traceparent };
      // Every line logged while this message is handled (here, in the handler, in what it calls) carries
      // the message's request_id, order_id and trace ids: the same binding pino-http gives an HTTP request.
      const bound = this.logger.logger.child({
        consumer,
        message_id: envelope.messageId,
        message_type: envelope.type,
        order_id: envelope.correlationId,
        request_id: envelope.requestId,
        trace_id: traceIdOf(envelope.traceparent),
        span_id: spanIdOf(envelope.traceparent),
      });
      return storage.run(new Store(bound), () => this.processDecoded(options, envelope));
    });
  }

  private async processDecoded<D extends MessageDefinition<object>>(
    { consumer, context, handle }: ProcessOptions<D>,
    envelope: MessageEnvelope<PayloadOf<D>>,
  ): Promise<void> {
    // Bound to the message's fields by process(); see there.
    const log = this.logger;
    for (let attempt = 1; ; attempt++) {
      let duplicate = false;
      try {
        await this.dataSource.transaction(async (manager) => {
          const inserted: unknown[] = await manager.query(
            `INSERT INTO inbox (message_id, consumer) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING message_id`,
            [envelope.messageId, consumer],
          );
          if (inserted.length === 0) {
            log.info('duplicate message skipped');
            duplicate = true;
            return;
          }
          await handle(envelope, manager, log);
        });
        log.info('message handled');
        messagesProcessed.inc({ consumer, result: duplicate ? 'duplicate' : 'handled' });
        return;
      } catch (error) {
        const infrastructure = isInfrastructureFailure(error);
        if (attempt < this.maxAttempts) {
          log.warn({ err: error, attempt }, 'message handling failed; retrying');
          await backoff(this.backoffMs * 2 ** (attempt - 1));
          await context.getHeartbeat()().catch(() => undefined);
          continue;
        }
        if (infrastructure) {
          log.error({ err: error, attempt }, 'message handling failed on infrastructure; it will be redelivered');
          messagesProcessed.inc({ consumer, result: 'redelivered' });
          throw new KafkaRetriableException((error as Error).message);
        }
        log.error({ err: error, attempt }, 'message handling failed on every attempt; dead-lettering it');
        await this.deadLetters.park(consumer, context, `failed after ${attempt} attempts: ${(error as Error).message}`);
        this.countDeadLettered(consumer, context);
        return;
      }
    }
  }

  private countDeadLettered(consumer: string, context: KafkaContext): void {
    deadLettered.inc({ topic: context.getTopic() });
    messagesProcessed.inc({ consumer, result: 'dead_lettered' });
  }
}

function backoff(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
