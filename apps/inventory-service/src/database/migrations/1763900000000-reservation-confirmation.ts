import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A reservation is confirmed once its order is paid; only unconfirmed ones expire. The partial index
 * serves the expiry sweeper.
 */
export class ReservationConfirmation1763900000000 implements MigrationInterface {
  name = 'ReservationConfirmation1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE reservation ADD COLUMN confirmed_at timestamptz`);
    await runner.query(`ALTER TABLE reservation ADD COLUMN release_reason text`);
    await runner.query(`CREATE INDEX reservation_expiry_idx ON reservation (expires_at) WHERE status = 'reserved' AND confirmed_at IS NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX reservation_expiry_idx`);
    await runner.query(`ALTER TABLE reservation DROP COLUMN release_reason`);
    await runner.query(`ALTER TABLE reservation DROP COLUMN confirmed_at`);
  }
}
