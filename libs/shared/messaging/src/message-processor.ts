import { Injectable } from '@nestjs/common';
import { KafkaContext, KafkaRetriableException } from '@nestjs/microservices';
import { decodeMessage, ENVELOPE_HEADERS, MessageDefinition, MessageEnvelope, PayloadOf, UndecodableMessageError } from '@order-saga/contracts';
import { lazyChild, spanIdOf, traceIdOf } from '@order-saga/shared/logging';
import { deadLettered, inConsumerSpan, messagesProcessed } from '@order-saga/shared/observability';
import { PinoLogger } from 'nestjs-pino';
import { storage, Store } from 'nestjs-pino/storage';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { DeadLetterQueue } from './dead-letter-queue';
import { isInfrastructureFailure } from './failure-kind';
import { traceparentHeaderOf } from './kafka-headers';
import { BatchParticipant, currentBatchSlot, PreparedMessage } from './message-batch';
import { MessagingConfig } from './messaging.config';

export interface ProcessOptions<D extends MessageDefinition<object>> {
  /** Names this consumer in the inbox (`<owner>.<name>`): two consumers of one message each handle it once. */
  consumer: string;
  context: KafkaContext;
  accepts: readonly D[];
  /**
   * Types this consumer reads past on a topic it shares with others: acknowledged from the message's
   * `message-type` header alone, with no decoding, inbox row or handler (so a redelivery is as harmless).
   */
  ignores?: readonly MessageDefinition<object>[];
  handle: (envelope: MessageEnvelope<PayloadOf<D>>, manager: EntityManager, logger: PinoLogger) => Promise<void>;
}

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
 * Inside a batch (BatchingKafkaServer) the same rules hold per message: see MessageBatch. The handler
 * cannot tell, except that its `manager` is the batch's transaction.
 */
@Injectable()
export class MessageProcessor implements BatchParticipant<ProcessOptions<MessageDefinition<object>>> {
  private readonly maxAttempts: number;
  private readonly backoffMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly deadLetters: DeadLetterQueue,
    private readonly logger: PinoLogger,
    config: MessagingConfig,
  ) {
    this.maxAttempts = config.MESSAGE_MAX_ATTEMPTS;
    this.backoffMs = config.MESSAGE_RETRY_BACKOFF_MS;
  }

  async process<D extends MessageDefinition<object>>(options: ProcessOptions<D>): Promise<void> {
    if (options.ignores && isOneOf(options.context, options.ignores)) {
      messagesProcessed.inc({ consumer: options.consumer, result: 'ignored' });
      return;
    }
    const slot = currentBatchSlot();
    if (slot) return slot.enlist(this as BatchParticipant<ProcessOptions<D>>, options);
    return this.processOne(options);
  }

  /** One message in its own transaction, retried, dead-lettered or redelivered as the class comment says. */
  async processOne<D extends MessageDefinition<object>>(options: ProcessOptions<D>): Promise<void> {
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
    await this.inMessageScope(consumer, context, received, (envelope) => this.processDecoded(options, envelope));
  }

  async begin(): Promise<QueryRunner> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      return runner;
    } catch (error) {
      await runner.release();
      throw error;
    }
  }

  /** Decodes a message of a batch; an undecodable one throws, and the one-at-a-time re-run dead-letters it. */
  prepare<D extends MessageDefinition<object>>({ consumer, context, accepts, handle }: ProcessOptions<D>): PreparedMessage {
    const received = decodeMessage(context.getMessage().value, accepts).envelope;
    return {
      messageId: received.messageId,
      consumer,
      traceparent: sentIn(context, received),
      apply: (manager, fresh) =>
        this.inMessageScope(consumer, context, received, async (envelope) => {
          if (!fresh) return this.logger.debug('duplicate message skipped');
          await handle(envelope, manager, this.logger);
          this.logger.debug('message handled');
        }),
      afterCommit: (fresh) => messagesProcessed.inc({ consumer, result: fresh ? 'handled' : 'duplicate' }),
    };
  }

  /**
   * The inbox rows of a whole batch in one statement. A message is fresh at the first position of its
   * (message id, consumer) whose row this statement inserted: a second copy in the same batch, or one
   * already in the inbox, is a duplicate. Rows go in in key order, so two batches holding the same
   * messages (a redelivery racing the original) wait for each other instead of deadlocking.
   */
  async claim(messages: readonly PreparedMessage[], manager: EntityManager): Promise<boolean[]> {
    const inserted: { position: string }[] = await manager.query(
      `WITH batch AS (
         SELECT * FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS m(message_id, consumer, position)
       ), claimed AS (
         INSERT INTO inbox (message_id, consumer)
         SELECT message_id, consumer FROM batch ORDER BY message_id, consumer
         ON CONFLICT DO NOTHING
         RETURNING message_id, consumer
       )
       SELECT min(batch.position) AS position FROM claimed JOIN batch USING (message_id, consumer) GROUP BY message_id, consumer`,
      [messages.map((message) => message.messageId), messages.map((message) => message.consumer)],
    );
    const fresh = new Set(inserted.map((row) => Number(row.position) - 1));
    return messages.map((_, index) => fresh.has(index));
  }

  onFallback(size: number, error: unknown): void {
    this.logger.warn({ err: error, batch_size: size }, 'message batch rolled back; re-running its messages one at a time');
  }

  /**
   * One span per message, continuing the sender's trace; the messages this one causes carry the span's
   * traceparent (handlers take it from the envelope through originOf), so the saga's hops across
   * services form one trace. Every line logged meanwhile (here, in the handler, in what it calls)
   * carries the message's request_id, order_id and trace ids: the binding pino-http gives a request.
   */
  private inMessageScope<P extends object, R>(
    consumer: string,
    context: KafkaContext,
    received: MessageEnvelope<P>,
    run: (envelope: MessageEnvelope<P>) => Promise<R>,
  ): Promise<R> {
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.destination.name': context.getTopic(),
      'messaging.consumer.group.name': consumer,
      'messaging.message.id': received.messageId,
      order_id: received.correlationId,
    };
    return inConsumerSpan(`${received.type} process`, sentIn(context, received), attributes, (traceparent) => {
      const envelope = { ...received, traceparent };
      // Made only if a line is written at an enabled level: most messages log nothing (see lazyChild).
      const bound = lazyChild(this.logger.logger, {
        consumer,
        message_id: envelope.messageId,
        message_type: envelope.type,
        order_id: envelope.correlationId,
        request_id: envelope.requestId,
        trace_id: traceIdOf(envelope.traceparent),
        span_id: spanIdOf(envelope.traceparent),
      });
      return storage.run(new Store(bound), () => run(envelope));
    });
  }

  /** The inbox row and the effect, in `manager`'s transaction; true when the message was a duplicate. */
  private async applyOnce<P extends object>(
    consumer: string,
    envelope: MessageEnvelope<P>,
    handle: (envelope: MessageEnvelope<P>, manager: EntityManager, logger: PinoLogger) => Promise<void>,
    manager: EntityManager,
  ): Promise<boolean> {
    const inserted: unknown[] = await manager.query(`INSERT INTO inbox (message_id, consumer) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING message_id`, [
      envelope.messageId,
      consumer,
    ]);
    if (inserted.length === 0) {
      this.logger.debug('duplicate message skipped');
      return true;
    }
    await handle(envelope, manager, this.logger);
    this.logger.debug('message handled');
    return false;
  }

  private async processDecoded<D extends MessageDefinition<object>>(
    { consumer, context, handle }: ProcessOptions<D>,
    envelope: MessageEnvelope<PayloadOf<D>>,
  ): Promise<void> {
    // Bound to the message's fields by inMessageScope; see there.
    const log = this.logger;
    for (let attempt = 1; ; attempt++) {
      try {
        const duplicate = await this.dataSource.transaction((manager) => this.applyOnce(consumer, envelope, handle, manager));
        messagesProcessed.inc({ consumer, result: duplicate ? 'duplicate' : 'handled' });
        return;
      } catch (error) {
        const infrastructure = isInfrastructureFailure(error);
        if (attempt < this.maxAttempts) {
          log.warn({ err: error, attempt }, 'message handling failed; retrying');
          await backoff(this.backoffMs * 2 ** (attempt - 1));
          await context
            .getHeartbeat()()
            .catch(() => undefined);
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

/**
 * The trace context a message was sent in: its `traceparent` header, which is the relay's send span (a
 * child of the envelope's) when spans are exported, else the envelope's own.
 */
function sentIn(context: KafkaContext, received: MessageEnvelope): string | null {
  return traceparentHeaderOf(context.getMessage().headers) ?? received.traceparent;
}

function backoff(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether the message's `message-type` header names one of `definitions` (a message without it is decoded as usual). */
function isOneOf(context: KafkaContext, definitions: readonly MessageDefinition<object>[]): boolean {
  const header = context.getMessage().headers?.[ENVELOPE_HEADERS.type];
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return false;
  const type = value.toString();
  return definitions.some((definition) => definition.type === type);
}
