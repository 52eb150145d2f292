import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

/**
 * A page's operator actions: the one asked for and waiting for its confirmation (the page shows its dialog while
 * it is set) and the answer of the last one taken, for the page's ActionStatus. `done` closes the dialog, keeps
 * the answer and reloads what the action changed.
 */
export function useOperatorAction<Pending, Answer>(reload: () => void) {
  const [pending, setPending] = useState<Pending | null>(null);
  const [result, setResult] = useState<Answer | null>(null);
  return {
    pending,
    result,
    ask: (action: Pending) => setPending(action),
    close: () => setPending(null),
    done: (answer: Answer) => {
      setPending(null);
      setResult(answer);
      reload();
    },
  };
}

/** Where a page says what its last action did: a live region, so screen readers announce the answer. */
export function ActionStatus({ children }: { children?: ComponentChildren }) {
  return (
    <div role="status" class="status-line">
      {children}
    </div>
  );
}
