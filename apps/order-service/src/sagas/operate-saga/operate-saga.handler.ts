import { Injectable } from '@nestjs/common';
import type { MessageOrigin } from '@order-saga/contracts';
import type { SagaState } from '@order-saga/contracts/http';
import type { SagaAction, SagaActionRequestDto, SagaActionResponseDto, SagaStep as SagaStepName } from '@order-saga/contracts/http/operator';
import { DomainError } from '@order-saga/shared/http';
import { DataSource, EntityManager } from 'typeorm';
import { RequestMeta } from '../../common/client-id.decorator';
import { OperatorAction, reserveStockItems, RetryInput, SagaEvent } from '../../orders/domain/place-order.saga';
import { PlaceOrderSagaHandler } from '../../orders/place-order/place-order-saga.handler';
import { SagaMovedOnError } from '../../orders/place-order/place-order-saga.repository';

/** How often an action's transaction is run when it loses a race (the saga moved on, the action id was just taken). */
const MAX_ATTEMPTS = 5;

const ACTION_OF_EVENT: Record<string, SagaAction> = { StepRetryRequested: 'retry-step', CancelRequested: 'cancel' };

/** An operator action's line on the timeline, as the saga wrote it (place-order.saga.ts, operatorStep). */
interface ActionLine {
  order_id: string;
  name: string;
  detail: { actionId: string; operatorId: string; reason: string; fromState: SagaState; toState: SagaState; commands: SagaStepName[] };
  occurred_at: Date;
}

export interface SagaActionResult {
  answer: SagaActionResponseDto;
  /** The action id was seen before: nothing was done now, and the answer is the first one. */
  replayed: boolean;
}

/**
 * An operator's retry or cancel, handed to the saga as its event (never a write of its own to the saga's
 * tables), in one transaction: look the action id up, decide, write with the saga's compare-and-set.
 * The action's timeline line is its record: a unique index on its action id makes a repeated request find
 * it and answer what the first one answered, and makes two racing requests with one id act once.
 */
@Injectable()
export class OperateSagaHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly saga: PlaceOrderSagaHandler,
  ) {}

  async handle(
    action: SagaAction,
    orderId: string,
    request: SagaActionRequestDto,
    operatorId: string,
    meta: RequestMeta,
    now = new Date(),
  ): Promise<SagaActionResult> {
    const operatorAction: OperatorAction = { actionId: request.action_id, operatorId, reason: request.reason };
    const origin: MessageOrigin = { correlationId: orderId, causationId: null, requestId: meta.requestId, traceparent: meta.traceparent };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction((manager) => this.act(manager, action, orderId, operatorAction, origin, now));
      } catch (error) {
        // Either race leaves nothing written; the next run reads the saga, or the action, as the winner left it.
        if (attempt < MAX_ATTEMPTS && (error instanceof SagaMovedOnError || isActionIdTaken(error))) continue;
        throw error;
      }
    }
  }

  private async act(
    manager: EntityManager,
    action: SagaAction,
    orderId: string,
    operatorAction: OperatorAction,
    origin: MessageOrigin,
    now: Date,
  ): Promise<SagaActionResult> {
    const [earlier] = (await manager.query(`SELECT order_id, name, detail, occurred_at FROM saga_step WHERE kind = 'operator' AND detail->>'actionId' = $1`, [
      operatorAction.actionId,
    ])) as ActionLine[];
    if (earlier) return { answer: replayOf(earlier, action, orderId), replayed: true };

    const event: Extract<SagaEvent, { type: 'StepRetryRequested' | 'CancelRequested' }> =
      action === 'cancel'
        ? { type: 'CancelRequested', action: operatorAction }
        : { type: 'StepRetryRequested', action: operatorAction, order: await retryInputOf(manager, orderId) };
    const step = await this.saga.onOperatorAction(manager, orderId, event, origin, now);
    if (!step) throw new DomainError('NOT_FOUND', `Order ${orderId} has no saga`);
    const [line] = step.decision.timeline;
    return { answer: answerOf({ order_id: orderId, name: line.name, detail: line.detail as ActionLine['detail'], occurred_at: now }), replayed: false };
  }
}

/** The answer to a repeated action id: the first answer, if it was the same action on the same order. */
function replayOf(earlier: ActionLine, action: SagaAction, orderId: string): SagaActionResponseDto {
  const answer = answerOf(earlier);
  if (answer.order_id !== orderId || answer.action !== action) {
    throw new DomainError('CONFLICT', `Action ${answer.action_id} was already taken: ${answer.action} of order ${answer.order_id}`, [
      { field: 'action_id', error: 'Already used for another action; send a new id for a new action' },
    ]);
  }
  return answer;
}

function answerOf({ order_id, name, detail, occurred_at }: ActionLine): SagaActionResponseDto {
  return {
    action_id: detail.actionId,
    action: ACTION_OF_EVENT[name],
    order_id,
    operator_id: detail.operatorId,
    reason: detail.reason,
    from_state: detail.fromState,
    to_state: detail.toState,
    commands: detail.commands,
    occurred_at: occurred_at.toISOString(),
  };
}

/** What a re-sent forward command needs from the order: its lines as POST /orders took them, and its total. */
async function retryInputOf(manager: EntityManager, orderId: string): Promise<RetryInput> {
  const [order] = (await manager.query(
    `SELECT o.total_cents,
            coalesce(json_agg(json_build_object('productId', l.product_id, 'quantity', l.quantity, 'requestedUnitPriceCents', l.requested_unit_price_cents)
                              ORDER BY l.line_no) FILTER (WHERE l.order_id IS NOT NULL), '[]') AS lines
       FROM customer_order o LEFT JOIN order_line l USING (order_id)
      WHERE o.order_id = $1
      GROUP BY o.order_id`,
    [orderId],
  )) as { total_cents: number | null; lines: { productId: string; quantity: number; requestedUnitPriceCents: number | null }[] }[];
  return { items: reserveStockItems(order?.lines ?? []), totalCents: order?.total_cents ?? null };
}

/** Another transaction took this action id first (saga_step_operator_action_idx, migration 1764400000000). */
function isActionIdTaken(error: unknown): boolean {
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'saga_step_operator_action_idx';
}
