import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators of the console (not API clients: they sign in with a password and get a session) and the audit
 * log of everything they changed or tried to. The username is the operator's id everywhere (x-operator-id,
 * saga timelines, the log), so it is the key and never changes; accounts are disabled, never deleted.
 */
export class OperatorAccess1764500000000 implements MigrationInterface {
  name = 'OperatorAccess1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE operator_account (
        username             text PRIMARY KEY CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{1,63}$'),
        password_hash        text        NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
        display_name         text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
        role                 text        NOT NULL DEFAULT 'operator' CHECK (role IN ('operator')),
        created_at           timestamptz NOT NULL DEFAULT now(),
        password_changed_at  timestamptz NOT NULL DEFAULT now(),
        disabled_at          timestamptz
      )`);
    // No foreign key to operator_account: a refused request may name no account, and the log outlives any change to one.
    await runner.query(`
      CREATE TABLE operator_audit_log (
        entry_id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at        timestamptz NOT NULL,
        operator_username  text,
        action             text        NOT NULL,
        target             text,
        status             smallint    NOT NULL,
        error_code         text,
        request_id         text        NOT NULL,
        remote_address     text
      )`);
    // The console's two filters, each newest first.
    await runner.query('CREATE INDEX operator_audit_log_operator_idx ON operator_audit_log (operator_username, entry_id DESC)');
    await runner.query('CREATE INDEX operator_audit_log_target_idx ON operator_audit_log (target, entry_id DESC) WHERE target IS NOT NULL');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE operator_audit_log');
    await runner.query('DROP TABLE operator_account');
  }
}
