import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An operator's action on a saga is one line of its timeline (kind `operator`), and its action id makes
 * it idempotent: this index lets an action id be taken once, across every saga, and finds it again for the
 * repeated request's answer. Partial, so the timeline's other lines (every saga step writes some) skip it.
 */
export class SagaOperatorActions1764400000000 implements MigrationInterface {
  name = 'SagaOperatorActions1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE UNIQUE INDEX saga_step_operator_action_idx ON saga_step ((detail->>'actionId')) WHERE kind = 'operator'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX saga_step_operator_action_idx`);
  }
}
