import { createMessagingTables, dropMessagingTables } from '@order-saga/shared/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE customer (
        client_id    text        NOT NULL,
        customer_id  text        NOT NULL,
        name         text        NOT NULL,
        email        text,
        status       text        NOT NULL CHECK (status IN ('active', 'inactive')),
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (client_id, customer_id)
      )`);
    await runner.query(`
      CREATE TABLE customer_order (
        order_id            text PRIMARY KEY,
        client_id           text        NOT NULL,
        customer_id         text        NOT NULL,
        status              text        NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelled')),
        total_cents         integer,
        currency            text        NOT NULL,
        shipping_address    jsonb,
        idempotency_key     text,
        failure_code        text,
        failure_detail      jsonb,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        estimated_delivery  timestamptz NOT NULL,
        FOREIGN KEY (client_id, customer_id) REFERENCES customer (client_id, customer_id)
      )`);
    await runner.query(`CREATE UNIQUE INDEX customer_order_idempotency_idx ON customer_order (client_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await runner.query(`CREATE INDEX customer_order_client_created_idx ON customer_order (client_id, created_at DESC)`);
    await runner.query(`
      CREATE TABLE order_line (
        order_id          text    NOT NULL REFERENCES customer_order (order_id),
        line_no           integer NOT NULL,
        product_id        text    NOT NULL,
        quantity          integer NOT NULL CHECK (quantity BETWEEN 1 AND 999),
        unit_price_cents  integer,
        PRIMARY KEY (order_id, line_no)
      )`);
    await runner.query(`
      CREATE TABLE saga_instance (
        saga_id         uuid PRIMARY KEY,
        order_id        text        NOT NULL UNIQUE REFERENCES customer_order (order_id),
        saga_type       text        NOT NULL,
        state           text        NOT NULL,
        reservation_id  uuid,
        payment_id      uuid,
        version         integer     NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX saga_instance_open_idx ON saga_instance (updated_at) WHERE state NOT IN ('CONFIRMED', 'REJECTED', 'COMPENSATED')`);
    await runner.query(`
      CREATE TABLE saga_step (
        id           bigserial PRIMARY KEY,
        saga_id      uuid        NOT NULL REFERENCES saga_instance (saga_id),
        order_id     text        NOT NULL,
        kind         text        NOT NULL,
        name         text        NOT NULL,
        message_id   uuid,
        detail       jsonb,
        occurred_at  timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX saga_step_order_idx ON saga_step (order_id, id)`);
    await createMessagingTables(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropMessagingTables(runner);
    for (const table of ['saga_step', 'saga_instance', 'order_line', 'customer_order', 'customer']) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}
