import { KafkaContext } from '@nestjs/microservices';
import { CONFIRM_RESERVATION, ENVELOPE_HEADERS, ORDER_CANCELLED, ORDER_CREATED, ORDER_UPDATED } from '@order-saga/contracts';
import type { KafkaMessage } from 'kafkajs';
import type { PinoLogger } from 'nestjs-pino';
import type { DataSource } from 'typeorm';
import type { DeadLetterQueue } from './dead-letter-queue';
import { MessageProcessor } from './message-processor';
import { MessagingConfig } from './messaging.config';

/**
 * The processor with fakes that record what it touched: a database it must not open and a dead-letter
 * queue. Only the paths that end before a transaction are unit-tested here; the inbox and the effect
 * are covered against PostgreSQL (outbox-and-inbox.integration.spec.ts).
 */
function processorWithFakes() {
  const touched: string[] = [];
  const dataSource = {
    createQueryRunner: () => {
      touched.push('database');
      throw new Error('no database in this test');
    },
    transaction: () => {
      touched.push('database');
      throw new Error('no database in this test');
    },
  } as unknown as DataSource;
  const deadLetters = { park: async (consumer: string) => void touched.push(`dead-lettered by ${consumer}`) } as unknown as DeadLetterQueue;
  const logger = { debug: () => undefined, warn: () => undefined, error: () => undefined } as unknown as PinoLogger;
  return { touched, processor: new MessageProcessor(dataSource, deadLetters, logger, new MessagingConfig()) };
}

function contextOf(value: string, type?: string): KafkaContext {
  const message = {
    key: null,
    value: Buffer.from(value),
    offset: '7',
    timestamp: '0',
    attributes: 0,
    headers: type ? { [ENVELOPE_HEADERS.type]: Buffer.from(type) } : {},
  };
  return new KafkaContext([message as unknown as KafkaMessage, 0, 'order.event.lifecycle.v1', undefined as never, async () => undefined, undefined as never]);
}

describe('MessageProcessor: types a consumer ignores', () => {
  it('acknowledges a message whose type header it ignores without decoding it, touching the database or calling the handler', async () => {
    const { touched, processor } = processorWithFakes();
    const handled: string[] = [];
    await processor.process({
      consumer: 'inventory.order-events',
      context: contextOf('not even JSON', ORDER_CANCELLED.type),
      accepts: [ORDER_CREATED],
      ignores: [ORDER_CANCELLED, ORDER_UPDATED],
      handle: async (envelope) => void handled.push(envelope.type),
    });
    expect(touched).toEqual([]);
    expect(handled).toEqual([]);
  });

  it('decodes a message of any other type as usual: an undecodable one is dead-lettered, not ignored', async () => {
    const { touched, processor } = processorWithFakes();
    await processor.process({
      consumer: 'inventory.order-events',
      context: contextOf('not even JSON', CONFIRM_RESERVATION.type),
      accepts: [ORDER_CREATED],
      ignores: [ORDER_CANCELLED],
      handle: async () => undefined,
    });
    expect(touched).toEqual(['dead-lettered by inventory.order-events']);
  });

  it('decodes a message without a type header, since nothing says it may be skipped', async () => {
    const { touched, processor } = processorWithFakes();
    await processor.process({
      consumer: 'inventory.order-events',
      context: contextOf('not even JSON'),
      accepts: [ORDER_CREATED],
      ignores: [ORDER_CANCELLED],
      handle: async () => undefined,
    });
    expect(touched).toEqual(['dead-lettered by inventory.order-events']);
  });
});
