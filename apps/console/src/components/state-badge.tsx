import type { SagaState } from '@order-saga/contracts/http';
import { toneOfState } from '../format';

export function StateBadge({ state }: { state: SagaState }) {
  return <span class={`badge badge-${toneOfState(state)}`}>{state}</span>;
}
