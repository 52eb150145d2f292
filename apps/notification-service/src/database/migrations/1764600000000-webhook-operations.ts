import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What operators need of the deliveries: test events (an operator's `webhook.test` to one endpoint, about no
 * order), and the indexes of the listing across clients (newest first) and of one order's deliveries (its saga
 * page). Built in the migration's transaction: on a large table, writes to webhook_delivery wait for the build.
 */
export class WebhookOperations1764600000000 implements MigrationInterface {
  name = 'WebhookOperations1764600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE webhook_delivery ALTER COLUMN order_id DROP NOT NULL`);
    await runner.query(`ALTER TABLE webhook_delivery ADD CONSTRAINT webhook_delivery_order_check CHECK (order_id IS NOT NULL OR event_type = 'webhook.test')`);
    await runner.query(`CREATE INDEX webhook_delivery_listing_idx ON webhook_delivery (created_at, delivery_id)`);
    await runner.query(`CREATE INDEX webhook_delivery_order_idx ON webhook_delivery (order_id)`);
    await runner.query(`CREATE INDEX webhook_endpoint_listing_idx ON webhook_endpoint (created_at, endpoint_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX webhook_endpoint_listing_idx');
    await runner.query('DROP INDEX webhook_delivery_order_idx');
    await runner.query('DROP INDEX webhook_delivery_listing_idx');
    await runner.query(`DELETE FROM webhook_attempt WHERE delivery_id IN (SELECT delivery_id FROM webhook_delivery WHERE order_id IS NULL)`);
    await runner.query(`DELETE FROM webhook_delivery WHERE order_id IS NULL`);
    await runner.query('ALTER TABLE webhook_delivery DROP CONSTRAINT webhook_delivery_order_check');
    await runner.query('ALTER TABLE webhook_delivery ALTER COLUMN order_id SET NOT NULL');
  }
}
