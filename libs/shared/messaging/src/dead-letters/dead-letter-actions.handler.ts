import { Injectable } from '@nestjs/common';
import type {
  DeadLetterActionResponseDto,
  DeadLettersRedrivenResponseDto,
  OperatorActionRequestDto,
  RedriveDeadLettersRequestDto,
} from '@order-saga/contracts/http/operator';
import { OperatorActionResult, takeOperatorAction } from '@order-saga/shared/operator';
import { DomainError } from '@order-saga/shared/http';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource, EntityManager } from 'typeorm';
import { readDeadLetterMessage } from './dead-letter-message';
import { DeadLetterRepository, DeadLetterRow, Settlement } from './dead-letter.repository';
import { toDeadLetterResponse } from './dead-letter.response.dto';

/** Most dead letters one redrive of many puts back: a bounded transaction and a bounded burst for the consumers. */
export const MAX_REDRIVEN_TOGETHER = 500;

/**
 * Operators' redrive and discard of the service's dead letters. Each action runs once per action id
 * (takeOperatorAction: a repeated id answers the first answer) and changes a dead letter only from
 * `parked`, under its row lock, so two clicks, two replicas or two operators settle it once: a redrive
 * appends the message to the outbox in the statement that marks the row (DeadLetterRepository.markRedriven),
 * and the consumers' inboxes apply it once however often the relay sends it.
 */
@Injectable()
export class DeadLetterActionsHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deadLetters: DeadLetterRepository,
    @InjectPinoLogger(DeadLetterActionsHandler.name) private readonly logger: PinoLogger,
  ) {}

  /** Re-publishes the parked dead letter through the outbox, once: the statement that marks it appends it. */
  redrive(id: string, request: OperatorActionRequestDto, operatorId: string, now = new Date()): Promise<OperatorActionResult<DeadLetterActionResponseDto>> {
    return this.settleOne('redrive', id, request, operatorId, now, async (manager, row) => {
      const { redrive, notRedrivableReason } = readDeadLetterMessage(row.message_key, row.value);
      if (!redrive)
        throw new DomainError('CONFLICT', `Dead letter ${id} cannot be redriven: ${notRedrivableReason}; discard it instead`, [], { dead_letter_id: id });
      await this.deadLetters.markRedriven(manager, [{ id, message: redrive }], settlementOf(request, operatorId, now));
    });
  }

  /** Marks the parked dead letter discarded: kept, with who and why, never redriven. */
  discard(id: string, request: OperatorActionRequestDto, operatorId: string, now = new Date()): Promise<OperatorActionResult<DeadLetterActionResponseDto>> {
    return this.settleOne('discard', id, request, operatorId, now, (manager) =>
      this.deadLetters.markDiscarded(manager, id, settlementOf(request, operatorId, now)),
    );
  }

  /** One operator action on one dead letter that must still be parked, taken once per action id. */
  private async settleOne(
    action: 'redrive' | 'discard',
    id: string,
    request: OperatorActionRequestDto,
    operatorId: string,
    now: Date,
    settle: (manager: EntityManager, row: DeadLetterRow) => Promise<unknown>,
  ): Promise<OperatorActionResult<DeadLetterActionResponseDto>> {
    const result = await takeOperatorAction(
      this.dataSource,
      this.actionOf(`dead-letter.${action}`, `dead letter ${id}`, request, operatorId),
      async (manager) => {
        await settle(manager, await this.parked(manager, id, action));
        return this.answerOf(action, id, manager, request, operatorId, now);
      },
    );
    this.logAction(result, { dead_letter_id: id });
    return result;
  }

  /**
   * Every parked dead letter matching the filters, up to MAX_REDRIVEN_TOGETHER, oldest first; those that
   * cannot be redriven stay parked and are named with the reason.
   */
  async redriveAll(request: RedriveDeadLettersRequestDto, operatorId: string, now = new Date()): Promise<OperatorActionResult<DeadLettersRedrivenResponseDto>> {
    const filters = { consumer: request.consumer, topic: request.topic };
    const target = `dead letters of consumer ${filters.consumer ?? '*'} from topic ${filters.topic ?? '*'}`;
    const result = await takeOperatorAction(this.dataSource, this.actionOf('dead-letters.redrive', target, request, operatorId), async (manager) => {
      const rows = await this.deadLetters.lockParked(manager, filters, MAX_REDRIVEN_TOGETHER);
      const read = rows.map((row) => ({ id: row.id, ...readDeadLetterMessage(row.message_key, row.value) }));
      const redriven = await this.deadLetters.markRedriven(
        manager,
        read.flatMap(({ id, redrive }) => (redrive ? [{ id, message: redrive }] : [])),
        settlementOf(request, operatorId, now),
      );
      const answer: DeadLettersRedrivenResponseDto = {
        action_id: request.action_id,
        action: 'redrive-all',
        operator_id: operatorId,
        reason: request.reason,
        consumer: filters.consumer ?? null,
        topic: filters.topic ?? null,
        redriven,
        not_redriven: read.flatMap(({ id, notRedrivableReason }) => (notRedrivableReason ? [{ id, reason: notRedrivableReason }] : [])),
        has_more: rows.length === MAX_REDRIVEN_TOGETHER,
        occurred_at: now.toISOString(),
      };
      return answer;
    });
    this.logAction(result, { consumer: filters.consumer, topic: filters.topic, redriven: result.answer.redriven.length });
    return result;
  }

  private actionOf(action: string, target: string, request: OperatorActionRequestDto, operatorId: string) {
    return { actionId: request.action_id, action, target, operatorId, reason: request.reason };
  }

  /** The dead letter, locked, if it is still parked; otherwise the refusal that says what became of it. */
  private async parked(manager: EntityManager, id: string, action: 'redrive' | 'discard'): Promise<DeadLetterRow> {
    const row = await this.deadLetters.findOne(id, manager, true);
    if (!row) throw new DomainError('NOT_FOUND', `Dead letter ${id} does not exist`);
    if (row.status !== 'parked') {
      throw new DomainError(
        'CONFLICT',
        `Dead letter ${id} was already ${row.status} by ${row.settled_by} at ${row.settled_at?.toISOString()}: nothing left to ${action}`,
        [],
        { dead_letter_id: id, status: row.status },
      );
    }
    return row;
  }

  private async answerOf(
    action: 'redrive' | 'discard',
    id: string,
    manager: EntityManager,
    request: OperatorActionRequestDto,
    operatorId: string,
    now: Date,
  ): Promise<DeadLetterActionResponseDto> {
    const row = (await this.deadLetters.findOne(id, manager)) as DeadLetterRow;
    return {
      action_id: request.action_id,
      action,
      operator_id: operatorId,
      reason: request.reason,
      occurred_at: now.toISOString(),
      dead_letter: toDeadLetterResponse(row),
    };
  }

  private logAction(result: OperatorActionResult<{ action: string; action_id: string; operator_id: string }>, fields: Record<string, unknown>): void {
    const { answer, replayed } = result;
    this.logger.info(
      { ...fields, action: answer.action, action_id: answer.action_id, operator_id: answer.operator_id, replayed },
      replayed ? 'dead-letter action repeated; answered the first answer' : `dead letters: ${answer.action} by an operator`,
    );
  }
}

function settlementOf(request: OperatorActionRequestDto, operatorId: string, at: Date): Settlement {
  return { actionId: request.action_id, operatorId, reason: request.reason, at };
}
