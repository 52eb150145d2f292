import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refunds: a succeeded payment can become `refunded`; a RefundPayment for an order never charged leaves a
 * `voided` row, so a ProcessPayment that arrives after it is declined instead of charging.
 */
export class Refunds1763900000000 implements MigrationInterface {
  name = 'Refunds1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE payment DROP CONSTRAINT payment_status_check`);
    await runner.query(`ALTER TABLE payment ADD CONSTRAINT payment_status_check CHECK (status IN ('succeeded', 'declined', 'refunded', 'voided'))`);
    await runner.query(`ALTER TABLE payment ADD COLUMN refunded_cents integer NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0)`);
    await runner.query(`ALTER TABLE payment ADD COLUMN refunded_at timestamptz`);
    await runner.query(`ALTER TABLE payment ADD COLUMN refund_reason text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const column of ['refund_reason', 'refunded_at', 'refunded_cents']) await runner.query(`ALTER TABLE payment DROP COLUMN ${column}`);
    await runner.query(`ALTER TABLE payment DROP CONSTRAINT payment_status_check`);
    await runner.query(`ALTER TABLE payment ADD CONSTRAINT payment_status_check CHECK (status IN ('succeeded', 'declined'))`);
  }
}
