import { createOperatorActionTable, dropOperatorActionTable } from '@order-saga/shared/operator';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox, inbox and dead-letter tables every messaging service has in its own database.
 * Each service's first migration calls this, so the tables are versioned with that service.
 */
export async function createMessagingTables(runner: QueryRunner): Promise<void> {
  await runner.query(`
    CREATE TABLE outbox (
      id            bigserial PRIMARY KEY,
      message_id    uuid        NOT NULL UNIQUE,
      topic         text        NOT NULL,
      message_key   text        NOT NULL,
      message_type  text        NOT NULL,
      envelope      jsonb       NOT NULL,
      created_at    timestamptz NOT NULL DEFAULT now(),
      published_at  timestamptz
    )`);
  await runner.query(`CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL`);
  await runner.query(`
    CREATE TABLE inbox (
      message_id   uuid        NOT NULL,
      consumer     text        NOT NULL,
      received_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (message_id, consumer)
    )`);
  await runner.query(`
    CREATE TABLE dead_letter (
      id           bigserial PRIMARY KEY,
      consumer     text        NOT NULL,
      topic        text        NOT NULL,
      partition    integer     NOT NULL,
      "offset"     text        NOT NULL,
      message_key  bytea,
      value        bytea,
      headers      jsonb       NOT NULL,
      error        text        NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      UNIQUE (topic, partition, "offset", consumer)
    )`);
}

/**
 * What makes deleteExpiredMessages cheap: published outbox rows and inbox rows by age. A service's
 * migration after the first calls this (the tables already exist by then).
 */
export async function createMessagingRetentionIndexes(runner: QueryRunner): Promise<void> {
  await runner.query('CREATE INDEX outbox_published_at_idx ON outbox (published_at) WHERE published_at IS NOT NULL');
  await runner.query('CREATE INDEX inbox_received_at_idx ON inbox (received_at)');
}

export async function dropMessagingRetentionIndexes(runner: QueryRunner): Promise<void> {
  await runner.query('DROP INDEX inbox_received_at_idx');
  await runner.query('DROP INDEX outbox_published_at_idx');
}

/**
 * The migration that adds those indexes, the same in every service with messaging tables. Each service
 * declares it under its own migration history with a one-line subclass whose class name is the migration's
 * name (`MessagingRetention1764200000000`): TypeORM records a migration by that name.
 */
export abstract class MessagingRetentionMigration implements MigrationInterface {
  get name(): string {
    return this.constructor.name;
  }

  async up(runner: QueryRunner): Promise<void> {
    await createMessagingRetentionIndexes(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropMessagingRetentionIndexes(runner);
  }
}

/**
 * What operators need to act on dead letters (dead-letters/): each one's status (parked until an operator
 * redrives or discards it, then who, when, why and by which action), the indexes of the listing (newest
 * first) and of the parked ones (the depth gauge, redrive of many), and the table of operator actions that
 * makes each action idempotent (takeOperatorAction). Rows parked before this migration are `parked`.
 */
export async function createDeadLetterOperations(runner: QueryRunner): Promise<void> {
  await runner.query(`
    ALTER TABLE dead_letter
      ADD COLUMN status            text NOT NULL DEFAULT 'parked' CHECK (status IN ('parked', 'redriven', 'discarded')),
      ADD COLUMN settled_at        timestamptz,
      ADD COLUMN settled_by        text,
      ADD COLUMN settled_reason    text,
      ADD COLUMN settled_action_id uuid,
      ADD CONSTRAINT dead_letter_settled_check CHECK ((status = 'parked') = (settled_at IS NULL))`);
  await runner.query('CREATE INDEX dead_letter_listing_idx ON dead_letter (created_at, id)');
  await runner.query(`CREATE INDEX dead_letter_parked_idx ON dead_letter (id) WHERE status = 'parked'`);
  await createOperatorActionTable(runner);
}

export async function dropDeadLetterOperations(runner: QueryRunner): Promise<void> {
  await dropOperatorActionTable(runner);
  await runner.query('DROP INDEX dead_letter_parked_idx');
  await runner.query('DROP INDEX dead_letter_listing_idx');
  await runner.query(`
    ALTER TABLE dead_letter
      DROP CONSTRAINT dead_letter_settled_check,
      DROP COLUMN status, DROP COLUMN settled_at, DROP COLUMN settled_by, DROP COLUMN settled_reason, DROP COLUMN settled_action_id`);
}

/** The migration that adds them, the same in every service with messaging tables (declared like MessagingRetentionMigration). */
export abstract class DeadLetterOperationsMigration implements MigrationInterface {
  get name(): string {
    return this.constructor.name;
  }

  async up(runner: QueryRunner): Promise<void> {
    await createDeadLetterOperations(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropDeadLetterOperations(runner);
  }
}

export async function dropMessagingTables(runner: QueryRunner): Promise<void> {
  await runner.query('DROP TABLE dead_letter');
  await runner.query('DROP TABLE inbox');
  await runner.query('DROP TABLE outbox');
}
