import { MigrationInterface, QueryRunner } from 'typeorm';

/** Secret rotation, soft deletion, why an endpoint was disabled or a delivery failed, and the indexes the delivery log reads. */
export class WebhookManagement1763900000000 implements MigrationInterface {
  name = 'WebhookManagement1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE webhook_endpoint
        ADD COLUMN previous_secret            text,
        ADD COLUMN previous_secret_expires_at timestamptz,
        ADD COLUMN disabled_reason            text,
        ADD COLUMN updated_at                 timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN deleted_at                 timestamptz,
        ADD CONSTRAINT webhook_endpoint_previous_secret_expiry CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))`);
    await runner.query(`ALTER TABLE webhook_delivery ADD COLUMN failure_reason text CHECK (failure_reason IN ('exhausted', 'gone'))`);
    await runner.query(`ALTER TABLE webhook_delivery DROP CONSTRAINT webhook_delivery_status_check`);
    await runner.query(
      `ALTER TABLE webhook_delivery ADD CONSTRAINT webhook_delivery_status_check CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled'))`,
    );
    await runner.query(`CREATE INDEX webhook_delivery_endpoint_idx ON webhook_delivery (endpoint_id, created_at DESC)`);
    // Per-endpoint concurrency counts the sends under way; only leased rows carry locked_until.
    await runner.query(`CREATE INDEX webhook_delivery_leased_idx ON webhook_delivery (endpoint_id) WHERE locked_until IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX webhook_delivery_leased_idx');
    await runner.query('DROP INDEX webhook_delivery_endpoint_idx');
    await runner.query(`ALTER TABLE webhook_delivery DROP CONSTRAINT webhook_delivery_status_check`);
    await runner.query(`ALTER TABLE webhook_delivery ADD CONSTRAINT webhook_delivery_status_check CHECK (status IN ('pending', 'succeeded', 'failed'))`);
    await runner.query('ALTER TABLE webhook_delivery DROP COLUMN failure_reason');
    await runner.query(`
      ALTER TABLE webhook_endpoint
        DROP CONSTRAINT webhook_endpoint_previous_secret_expiry,
        DROP COLUMN previous_secret, DROP COLUMN previous_secret_expires_at, DROP COLUMN disabled_reason,
        DROP COLUMN updated_at, DROP COLUMN deleted_at`);
  }
}
