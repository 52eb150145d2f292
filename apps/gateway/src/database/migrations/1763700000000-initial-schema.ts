import { MigrationInterface, QueryRunner } from 'typeorm';

/** The gateway does not talk Kafka, so unlike the services behind it it has no outbox/inbox tables. */
export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE oauth_client (
        client_id    text PRIMARY KEY,
        secret_hash  text        NOT NULL CHECK (secret_hash LIKE 'scrypt$%'),
        scopes       text[]      NOT NULL DEFAULT '{}',
        active       boolean     NOT NULL DEFAULT true,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE oauth_client');
  }
}
