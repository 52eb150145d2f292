import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saga timeouts: each saga row carries the deadline of the step it waits on, how often that step's
 * command was sent, and why a failed saga failed. The partial index serves the timeout sweeper.
 */
export class SagaDeadlines1763900000000 implements MigrationInterface {
  name = 'SagaDeadlines1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE saga_instance ADD COLUMN step_deadline_at timestamptz`);
    await runner.query(`ALTER TABLE saga_instance ADD COLUMN step_attempts integer NOT NULL DEFAULT 1`);
    await runner.query(`ALTER TABLE saga_instance ADD COLUMN failure_reason text`);
    await runner.query(`ALTER TABLE saga_instance ADD COLUMN stock_released boolean NOT NULL DEFAULT false`);
    await runner.query(`CREATE INDEX saga_instance_deadline_idx ON saga_instance (step_deadline_at) WHERE step_deadline_at IS NOT NULL`);
    await runner.query(`CREATE INDEX saga_instance_state_idx ON saga_instance (state, updated_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX saga_instance_state_idx`);
    await runner.query(`DROP INDEX saga_instance_deadline_idx`);
    for (const column of ['stock_released', 'failure_reason', 'step_attempts', 'step_deadline_at']) {
      await runner.query(`ALTER TABLE saga_instance DROP COLUMN ${column}`);
    }
  }
}
