import { createMessagingTables, dropMessagingTables } from '@order-saga/shared/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE webhook_endpoint (
        endpoint_id  uuid PRIMARY KEY,
        client_id    text        NOT NULL,
        url          text        NOT NULL,
        secret       text        NOT NULL,
        event_types  text[]      NOT NULL CHECK (cardinality(event_types) > 0),
        description  text,
        enabled      boolean     NOT NULL DEFAULT true,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX webhook_endpoint_client_idx ON webhook_endpoint (client_id) WHERE enabled`);
    await runner.query(`
      CREATE TABLE webhook_delivery (
        delivery_id      uuid PRIMARY KEY,
        endpoint_id      uuid        NOT NULL REFERENCES webhook_endpoint (endpoint_id),
        event_id         uuid        NOT NULL,
        event_type       text        NOT NULL,
        order_id         text        NOT NULL,
        body             text        NOT NULL,
        status           text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempt_count    integer     NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
        next_attempt_at  timestamptz NOT NULL,
        locked_until     timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now(),
        last_attempt_at  timestamptz,
        UNIQUE (endpoint_id, event_id)
      )`);
    await runner.query(`CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at) WHERE status = 'pending'`);
    await runner.query(`CREATE INDEX webhook_delivery_event_idx ON webhook_delivery (event_id)`);
    await runner.query(`
      CREATE TABLE webhook_attempt (
        attempt_id        uuid PRIMARY KEY,
        delivery_id       uuid        NOT NULL REFERENCES webhook_delivery (delivery_id),
        attempt_number    integer     NOT NULL CHECK (attempt_number > 0),
        attempted_at      timestamptz NOT NULL,
        status_code       integer,
        duration_ms       integer     NOT NULL CHECK (duration_ms >= 0),
        error             text,
        response_excerpt  text CHECK (octet_length(response_excerpt) <= 1024),
        UNIQUE (delivery_id, attempt_number)
      )`);
    await createMessagingTables(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropMessagingTables(runner);
    await runner.query('DROP TABLE webhook_attempt');
    await runner.query('DROP TABLE webhook_delivery');
    await runner.query('DROP TABLE webhook_endpoint');
  }
}
