import { createMessagingTables, dropMessagingTables } from '@order-saga/shared/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE payment (
        payment_id          uuid PRIMARY KEY,
        order_id            text        NOT NULL UNIQUE,
        customer_id         text        NOT NULL,
        amount_cents        integer     NOT NULL CHECK (amount_cents >= 0),
        currency            text        NOT NULL,
        status              text        NOT NULL CHECK (status IN ('succeeded', 'declined')),
        provider_reference  text,
        decline_code        text,
        decline_message     text,
        created_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await createMessagingTables(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropMessagingTables(runner);
    await runner.query('DROP TABLE payment');
  }
}
