import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * customer_order_client_created_idx (client_id, created_at DESC) is a prefix of customer_order_page_idx
 * (client_id, created_at DESC, order_id DESC), which serves every query it could: it only cost an index entry
 * per order placed and per non-HOT update of an order (docs/performance.md, "What PostgreSQL's statements cost").
 */
export class RedundantOrderIndex1764600000000 implements MigrationInterface {
  name = 'RedundantOrderIndex1764600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX customer_order_client_created_idx`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX customer_order_client_created_idx ON customer_order (client_id, created_at DESC)`);
  }
}
