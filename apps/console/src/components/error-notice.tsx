import { OperatorApiError } from '../api/operator-api';

/** What went wrong, in the API's words, with the request id to find it in the logs. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const api = error instanceof OperatorApiError ? error : null;
  return (
    <div class="notice notice-error" role="alert">
      <p>
        <strong>{api ? `${api.status} ${api.code}` : 'Request failed'}</strong>: {error instanceof Error ? error.message : String(error)}
      </p>
      {api?.details.length ? (
        <ul>
          {api.details.map((detail) => (
            <li key={detail.field}>
              <code>{detail.field}</code>: {detail.error}
            </li>
          ))}
        </ul>
      ) : null}
      {api?.requestId ? (
        <p class="muted">
          Request id <code>{api.requestId}</code>
        </p>
      ) : null}
      {onRetry ? (
        <button type="button" class="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
