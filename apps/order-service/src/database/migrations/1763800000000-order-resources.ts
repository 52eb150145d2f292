import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the public order resources need on top of the initial schema: the request fingerprint behind an
 * idempotency key, the price a client stated for each line, and indexes for the list, filter and
 * search queries (all of them keyset-paginated on created_at, order_id within one client).
 */
export class OrderResources1763800000000 implements MigrationInterface {
  name = 'OrderResources1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE customer_order ADD COLUMN idempotency_request_hash text`);
    await runner.query(`ALTER TABLE order_line ADD COLUMN requested_unit_price_cents integer CHECK (requested_unit_price_cents >= 0)`);
    await runner.query(`CREATE INDEX customer_order_page_idx ON customer_order (client_id, created_at DESC, order_id DESC)`);
    await runner.query(`CREATE INDEX customer_order_status_page_idx ON customer_order (client_id, status, created_at DESC, order_id DESC)`);
    await runner.query(`CREATE INDEX customer_order_customer_page_idx ON customer_order (client_id, customer_id, created_at DESC, order_id DESC)`);
    await runner.query(`CREATE INDEX order_line_product_idx ON order_line (product_id)`);
    await runner.query(`CREATE INDEX customer_page_idx ON customer (client_id, created_at DESC, customer_id DESC)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const index of [
      'customer_page_idx',
      'order_line_product_idx',
      'customer_order_customer_page_idx',
      'customer_order_status_page_idx',
      'customer_order_page_idx',
    ]) {
      await runner.query(`DROP INDEX ${index}`);
    }
    await runner.query(`ALTER TABLE order_line DROP COLUMN requested_unit_price_cents`);
    await runner.query(`ALTER TABLE customer_order DROP COLUMN idempotency_request_hash`);
  }
}
