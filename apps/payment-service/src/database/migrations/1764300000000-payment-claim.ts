import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `pending`: the row ProcessPayment inserts before it calls the provider, so the order's unique index
 * holds back a concurrent RefundPayment (or a second ProcessPayment) until the charge is recorded. It
 * becomes succeeded or declined in the same transaction, so no committed row is ever pending.
 */
export class PaymentClaim1764300000000 implements MigrationInterface {
  name = 'PaymentClaim1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE payment DROP CONSTRAINT payment_status_check`);
    await runner.query(`ALTER TABLE payment ADD CONSTRAINT payment_status_check CHECK (status IN ('pending', 'succeeded', 'declined', 'refunded', 'voided'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE payment DROP CONSTRAINT payment_status_check`);
    await runner.query(`ALTER TABLE payment ADD CONSTRAINT payment_status_check CHECK (status IN ('succeeded', 'declined', 'refunded', 'voided'))`);
  }
}
