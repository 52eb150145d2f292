import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each client has a rate-limit tier; existing clients stay on the standard limits. */
export class ClientRateLimitTier1763800000000 implements MigrationInterface {
  name = 'ClientRateLimitTier1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE oauth_client
        ADD COLUMN rate_limit_tier text NOT NULL DEFAULT 'standard' CHECK (rate_limit_tier IN ('standard', 'sandbox'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE oauth_client DROP COLUMN rate_limit_tier');
  }
}
