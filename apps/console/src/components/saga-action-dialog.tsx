import type { SagaState } from '@order-saga/contracts/http';
import type { OperatorSagaResponseDto, SagaActionResponseDto } from '@order-saga/contracts/http/operator';
import type { SagaActionName } from '../api/operator-api';
import { useConsole } from './console-context';
import { ConfirmActionDialog } from './confirm-action-dialog';

/** What an action does in each open state (docs/saga-reliability.md, section 8), said before the operator confirms. */
function consequence(action: SagaActionName, state: SagaState): string {
  if (action === 'retry') {
    if (state === 'RESERVING_STOCK')
      return 'ReserveStock is sent again: a new message for the same order (inventory answers a repeat with its first outcome), one attempt more, a fresh deadline.';
    if (state === 'PROCESSING_PAYMENT')
      return 'ProcessPayment is sent again: a new message for the same order (payment answers a repeat with its first outcome), one attempt more, a fresh deadline.';
    return `The compensation waited on (${state === 'REFUNDING_PAYMENT' ? 'RefundPayment' : 'ReleaseStock'}) is sent now instead of at its backed-off deadline.`;
  }
  if (state === 'RESERVING_STOCK')
    return 'The saga ends CANCELLED at once and the order is cancelled (CANCELLED_BY_OPERATOR); a reservation that still shows up is released.';
  if (state === 'PROCESSING_PAYMENT')
    return 'The payment is refunded (RefundPayment), then the stock released (ReleaseStock); then the saga ends CANCELLED and the order is cancelled (CANCELLED_BY_OPERATOR).';
  return 'The compensation waited on is sent again now; the order keeps the failure it is already being cancelled for.';
}

export interface SagaActionRequest {
  saga: Pick<OperatorSagaResponseDto, 'order_id' | 'state' | 'step'>;
  action: SagaActionName;
}

/** The confirmation of a retry or a cancel of a saga (ConfirmActionDialog), saying what it will do in the saga's state. */
export function SagaActionDialog({
  request,
  onClose,
  onDone,
}: {
  request: SagaActionRequest;
  onClose: () => void;
  onDone: (result: SagaActionResponseDto) => void;
}) {
  const { api } = useConsole();
  const { saga, action } = request;
  const verb = action === 'retry' ? 'Retry the current step' : 'Cancel the saga';
  return (
    <ConfirmActionDialog
      title={`${verb} of ${saga.order_id}?`}
      confirmLabel={verb}
      danger={action === 'cancel'}
      act={(actionId, reason) => api.actOnSaga(saga.order_id, action, actionId, reason)}
      onClose={onClose}
      onDone={onDone}
    >
      <p>
        The saga is <strong>{saga.state}</strong>
        {saga.step ? (
          <>
            , waiting on <strong>{saga.step}</strong>
          </>
        ) : null}
        . {consequence(action, saga.state)}
      </p>
    </ConfirmActionDialog>
  );
}

/** The answer of an action, as a status line: what the saga went from and to, and what it sent. */
export function ActionResult({ result }: { result: SagaActionResponseDto }) {
  return (
    <p>
      {result.action === 'cancel' ? 'Cancel' : 'Retry'} of <strong>{result.order_id}</strong> taken: {result.from_state} → {result.to_state}
      {result.commands.length > 0 ? `, sent ${result.commands.join(', ')}` : ''}.
    </p>
  );
}
