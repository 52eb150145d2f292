import { Controller, Type } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { MessageEnvelope, TopicName } from '@order-saga/contracts';
import { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { MessageProcessor } from '../message-processor';
import { createMessagingTables } from '../messaging-tables';
import { addToCounter, CountMe, countMeOn } from './count-me.message';

/*
 * What the messaging library's integration specs (outbox-and-inbox, dead-letters) build their test service
 * from: the counter table beside the messaging tables, one consumer of CountMe, counters that fail on purpose.
 */

/**
 * The test service's schema in one migration: the counter table, the tables a suite adds (`tables`, CREATE TABLE
 * statements) and the messaging tables.
 */
export function countMeSchema(...tables: string[]): Type<MigrationInterface> {
  return class TestSchema1700000000000 implements MigrationInterface {
    name = 'TestSchema1700000000000';
    async up(runner: QueryRunner): Promise<void> {
      await runner.query('CREATE TABLE counter (name text PRIMARY KEY, value integer NOT NULL)');
      for (const table of tables) await runner.query(table);
      await createMessagingTables(runner);
    }
    async down(): Promise<void> {
      // throwaway database
    }
  };
}

/** Counters whose handler fails, as a bug would make it: to be dead-lettered, and redriven once fixed. */
export interface CountMeFaults {
  /** A bug that gets fixed: counters with this prefix fail while `active` is set. */
  failing: { prefix: string; active: boolean };
  /** A poison message: counters with this prefix always fail. */
  poisonPrefix: string;
}

export function countMeFaults(suffix: string): CountMeFaults {
  return { failing: { prefix: `broken-${suffix}-`, active: true }, poisonPrefix: `poison-${suffix}-` };
}

export type CountMeHandler = (envelope: MessageEnvelope<CountMe>, manager: EntityManager) => Promise<void>;

/** The consumer's effect in the handler's transaction: the counter grows, unless the counter is one of `faults`. */
export function countUnlessFaulty(faults: CountMeFaults): CountMeHandler {
  return async (envelope, manager) => {
    const { counter } = envelope.payload;
    if (faults.failing.active && counter.startsWith(faults.failing.prefix)) throw new Error('handler bug: cannot count this yet');
    if (counter.startsWith(faults.poisonPrefix)) throw new Error('handler bug: never counts this');
    await addToCounter(manager, envelope.payload);
  };
}

/** A controller that hands each CountMe of `topic` to `handle` through MessageProcessor, as the consumer (inbox name) `consumer`. */
export function countMeConsumer(topic: TopicName, consumer: string, handle: CountMeHandler): Type<unknown> {
  const definition = countMeOn(topic);

  @Controller()
  class CountMeConsumer {
    constructor(private readonly processor: MessageProcessor) {}

    @EventPattern(topic)
    async onCountMe(@Ctx() context: KafkaContext): Promise<void> {
      await this.processor.process({ consumer, context, accepts: [definition], handle });
    }
  }
  return CountMeConsumer;
}

/** A counter's value, undefined before its first message is applied. */
export async function counterValue(dataSource: DataSource, name: string): Promise<number | undefined> {
  const rows: { value: number }[] = await dataSource.query('SELECT value FROM counter WHERE name = $1', [name]);
  return rows[0]?.value;
}
