import { createMessagingTables, dropMessagingTables } from '@order-saga/shared/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE product (
        product_id        text PRIMARY KEY,
        name              text        NOT NULL,
        unit_price_cents  integer     NOT NULL CHECK (unit_price_cents >= 0),
        available         integer     NOT NULL CHECK (available >= 0),
        reserved          integer     NOT NULL DEFAULT 0 CHECK (reserved >= 0),
        active            boolean     NOT NULL DEFAULT true,
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE reservation (
        reservation_id  uuid PRIMARY KEY,
        order_id        text        NOT NULL UNIQUE,
        status          text        NOT NULL CHECK (status IN ('reserved', 'released')),
        total_cents     integer     NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        expires_at      timestamptz NOT NULL,
        released_at     timestamptz
      )`);
    await runner.query(`
      CREATE TABLE reservation_line (
        reservation_id    uuid    NOT NULL REFERENCES reservation (reservation_id),
        product_id        text    NOT NULL REFERENCES product (product_id),
        quantity          integer NOT NULL CHECK (quantity > 0),
        unit_price_cents  integer NOT NULL,
        PRIMARY KEY (reservation_id, product_id)
      )`);
    await createMessagingTables(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropMessagingTables(runner);
    await runner.query('DROP TABLE reservation_line');
    await runner.query('DROP TABLE reservation');
    await runner.query('DROP TABLE product');
  }
}
