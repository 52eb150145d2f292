import { defineMessage, TopicName } from '@order-saga/contracts';
import { IsInt, IsString } from 'class-validator';
import { EntityManager } from 'typeorm';

/**
 * The message of the messaging library's own tests (outbox-and-inbox and dead-letters integration specs, through
 * count-me.fixture.ts, and the process the first one crashes, crashing-consumer.ts): add `by` to the counter `counter`.
 */
export class CountMe {
  @IsString()
  counter: string;

  @IsInt()
  by: number;
}

export const countMeOn = (topic: TopicName) => defineMessage('CountMe', topic, CountMe);

/** The consumer's effect: the counter grows by `by` (created at `by`), in the caller's transaction. */
export async function addToCounter(manager: EntityManager, { counter, by }: CountMe): Promise<void> {
  await manager.query(`INSERT INTO counter (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = counter.value + EXCLUDED.value`, [
    counter,
    by,
  ]);
}
