import { DomainError } from '@order-saga/shared/http';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** An operator's action as its request names it: the id that makes it idempotent, what, on what, who and why. */
export interface OperatorActionRequest {
  actionId: string;
  /** e.g. `dead-letter.redrive`. */
  action: string;
  /** What it acts on, e.g. a dead letter's id or a filter: the same id for another target is a conflict. */
  target: string;
  operatorId: string;
  reason: string;
}

export interface OperatorActionResult<A> {
  answer: A;
  /** The action id was taken before: nothing was done now, and the answer is the first one. */
  replayed: boolean;
}

/**
 * Runs an operator action at most once per action id, in one transaction with its effect, and answers a
 * repeated id with the first answer (for dead letters and webhook resends; the saga's actions are recorded
 * on its timeline instead). The action's row goes in first, so a second request with the same id waits on
 * that row's unique key until the first commits, then finds it and replays its answer; a first request
 * that fails (a refusal, a lost connection) rolls its row back, and the id stays free. The answer is kept
 * as `json`, which keeps its text, so a replay answers the same bytes.
 */
export async function takeOperatorAction<A>(
  dataSource: DataSource,
  request: OperatorActionRequest,
  act: (manager: EntityManager) => Promise<A>,
): Promise<OperatorActionResult<A>> {
  return dataSource.transaction(async (manager) => {
    const claimed: unknown[] = await manager.query(
      `INSERT INTO operator_action (action_id, action, target, operator_id, reason) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (action_id) DO NOTHING RETURNING action_id`,
      [request.actionId, request.action, request.target, request.operatorId, request.reason],
    );
    if (claimed.length === 0) return { answer: await replayOf<A>(manager, request), replayed: true };
    const answer = await act(manager);
    await manager.query(`UPDATE operator_action SET answer = $2 WHERE action_id = $1`, [request.actionId, JSON.stringify(answer)]);
    return { answer, replayed: false };
  });
}

async function replayOf<A>(manager: EntityManager, request: OperatorActionRequest): Promise<A> {
  const [earlier]: { action: string; target: string; answer: A }[] = await manager.query(
    `SELECT action, target, answer FROM operator_action WHERE action_id = $1`,
    [request.actionId],
  );
  if (earlier.action !== request.action || earlier.target !== request.target) {
    throw new DomainError('CONFLICT', `Action ${request.actionId} was already taken: ${earlier.action} of ${earlier.target}`, [
      { field: 'action_id', error: 'Already used for another action; send a new id for a new action' },
    ]);
  }
  return earlier.answer;
}

/** The table takeOperatorAction keeps its actions in; created by a service's migration (see DeadLetterOperationsMigration). */
export async function createOperatorActionTable(runner: QueryRunner): Promise<void> {
  await runner.query(`
    CREATE TABLE operator_action (
      action_id    uuid PRIMARY KEY,
      action       text        NOT NULL,
      target       text        NOT NULL,
      operator_id  text        NOT NULL,
      reason       text        NOT NULL,
      answer       json,
      occurred_at  timestamptz NOT NULL DEFAULT now()
    )`);
}

export async function dropOperatorActionTable(runner: QueryRunner): Promise<void> {
  await runner.query('DROP TABLE operator_action');
}
