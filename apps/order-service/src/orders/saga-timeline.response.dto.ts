import type { SagaTimelineEntryResponseDto } from '@order-saga/contracts/http';
import type { SagaStep } from './place-order/saga-step.entity';

/**
 * A timeline line as the API shows it. The order's client sees that an operator acted and what it did,
 * but not who the operator is nor the reason they gave: those are for operators (sagas/get-saga).
 */
export function toTimelineEntry(step: SagaStep, audience: 'client' | 'operator'): SagaTimelineEntryResponseDto {
  return {
    kind: step.kind,
    name: step.name,
    message_id: step.messageId,
    detail: audience === 'client' && step.kind === 'operator' ? withoutOperator(step.detail) : step.detail,
    occurred_at: step.occurredAt.toISOString(),
  };
}

const OPERATORS_ONLY = new Set(['operatorId', 'reason']);

function withoutOperator(detail: unknown): unknown {
  if (detail === null || typeof detail !== 'object') return detail;
  return Object.fromEntries(Object.entries(detail).filter(([key]) => !OPERATORS_ONLY.has(key)));
}
