import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useConsole } from './console-context';
import { ErrorNotice } from './error-notice';

export interface ConfirmActionProps<T> {
  /** The dialog's heading and accessible name, as a question. */
  title: string;
  /** What the action will do, said before the operator confirms. */
  children: ComponentChildren;
  /** The confirm button's text, e.g. "Cancel the saga". */
  confirmLabel: string;
  danger?: boolean;
  /** Sends the action; the action id is made once when the dialog opens. */
  act: (actionId: string, reason: string) => Promise<T>;
  onClose: () => void;
  onDone: (result: T) => void;
}

/**
 * The confirmation in front of every operator action: what it does, a reason (it is recorded with the action and
 * in the audit log), and one action id made when the dialog opens, so submitting twice, or the repeat after a lost
 * CSRF token, is one action. A modal <dialog>: the page behind it is inert (focus stays in the dialog), Escape
 * closes it, and focus returns to the button that opened it.
 */
export function ConfirmActionDialog<T>({ title, children, confirmLabel, danger, act, onClose, onDone }: ConfirmActionProps<T>) {
  const { api } = useConsole();
  const dialog = useRef<HTMLDialogElement>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const actionId = useMemo(() => api.newActionId(), [api]);
  const [reason, setReason] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const titleId = `action-title-${actionId}`;

  // A layout effect, not useEffect: Preact 11 runs a passive effect's cleanup after the next paint, once the <dialog>
  // is already out of the page. Removed while still modal, it left the focus on <body> for a frame before
  // opener.focus() ran. A layout cleanup runs in the commit, before the removal: close() ends the modal state
  // (Chromium then gives the focus back to the opener itself) and the opener gets the focus in the same task.
  useLayoutEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const modal = dialog.current;
    modal?.showModal();
    reasonField.current?.focus();
    return () => {
      modal?.close();
      if (opener?.isConnected && document.activeElement !== opener) opener.focus();
    };
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (sending) return;
    setSending(true);
    setError(null);
    try {
      onDone(await act(actionId, reason.trim()));
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
        <h2 id={titleId}>{title}</h2>
        <div class="dialog-body">{children}</div>
        <label for="action-reason">Reason (recorded with the action and in the audit log)</label>
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
          <button type="submit" class={`button ${danger ? 'button-danger' : 'button-primary'}`} disabled={sending || reason.trim() === ''}>
            {sending ? 'Sending…' : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
