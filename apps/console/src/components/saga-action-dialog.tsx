import type { SagaState } from '@order-saga/contracts/http';
import type { OperatorSagaResponseDto, SagaActionResponseDto } from '@order-saga/contracts/http/operator';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SagaActionName } from '../api/operator-api';
import { useConsole } from './console-context';
import { ErrorNotice } from './error-notice';

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

/**
 * The confirmation of a retry or a cancel: what it will do, a reason (it goes on the timeline and in the audit
 * log), and one action id made when the dialog opens, so submitting twice is one action. A modal <dialog>:
 * the page behind it is inert (focus stays in the dialog), Escape closes it, and focus returns to the button
 * that opened it.
 */
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
  const dialog = useRef<HTMLDialogElement>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const actionId = useMemo(() => api.newActionId(), [api, request]);
  const [reason, setReason] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { saga, action } = request;
  const verb = action === 'retry' ? 'Retry the current step' : 'Cancel the saga';
  const titleId = `action-title-${actionId}`;

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    dialog.current?.showModal();
    reasonField.current?.focus();
    return () => opener?.focus();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (sending) return;
    setSending(true);
    setError(null);
    try {
      onDone(await api.actOnSaga(saga.order_id, action, actionId, reason.trim()));
    } catch (failure) {
      setError(failure);
      setSending(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={(event) => void submit(event)}>
        <h2 id={titleId}>
          {verb} of {saga.order_id}?
        </h2>
        <p>
          The saga is <strong>{saga.state}</strong>
          {saga.step ? (
            <>
              , waiting on <strong>{saga.step}</strong>
            </>
          ) : null}
          . {consequence(action, saga.state)}
        </p>
        <label for="action-reason">Reason (on the saga's timeline and in the audit log)</label>
        <textarea
          id="action-reason"
          ref={reasonField}
          required
          maxLength={500}
          rows={3}
          value={reason}
          onInput={(event) => setReason(event.currentTarget.value)}
        />
        {error ? <ErrorNotice error={error} /> : null}
        <div class="dialog-buttons">
          <button type="button" class="button" onClick={onClose} disabled={sending}>
            Keep it as it is
          </button>
          <button type="submit" class={`button ${action === 'cancel' ? 'button-danger' : 'button-primary'}`} disabled={sending || reason.trim() === ''}>
            {sending ? 'Sending…' : verb}
          </button>
        </div>
      </form>
    </dialog>
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
