import type { OperatorSagaResponseDto } from '@order-saga/contracts/http/operator';
import { formatAge, formatTime, isOpen } from '../format';
import { sagaHref } from '../routing/routes';
import { Link } from '../routing/router';
import type { SagaActionRequest } from './saga-action-dialog';
import { StateBadge } from './state-badge';

/**
 * Sagas as a table (cards below 700 px: each cell says what it is through data-label). With `onAction`, an open
 * saga's row has the retry and cancel buttons, which open the confirmation.
 */
export function SagaTable({
  sagas,
  caption,
  onAction,
}: {
  sagas: OperatorSagaResponseDto[];
  caption: string;
  onAction?: (request: SagaActionRequest) => void;
}) {
  const now = Date.now();
  if (sagas.length === 0) return <p class="empty">No sagas match.</p>;
  return (
    <table class="responsive-table">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Order</th>
          <th scope="col">State</th>
          <th scope="col">Waiting on</th>
          <th scope="col">Client</th>
          <th scope="col">Customer</th>
          <th scope="col">Attempts</th>
          <th scope="col">Last change</th>
          <th scope="col">Deadline</th>
          {onAction ? <th scope="col">Actions</th> : null}
        </tr>
      </thead>
      <tbody>
        {sagas.map((saga) => {
          const overdue = saga.step_deadline_at !== null && Date.parse(saga.step_deadline_at) < now;
          return (
            <tr key={saga.order_id} data-order-id={saga.order_id}>
              <th scope="row" data-label="Order">
                <Link href={sagaHref(saga.order_id)}>{saga.order_id}</Link>
              </th>
              <td data-label="State">
                <span>
                  <StateBadge state={saga.state} />
                  {saga.failure_reason ? <span class="muted"> {saga.failure_reason}</span> : null}
                </span>
              </td>
              <td data-label="Waiting on">{saga.step ?? '—'}</td>
              <td data-label="Client">{saga.client_id}</td>
              <td data-label="Customer">{saga.customer_id}</td>
              <td data-label="Attempts">{saga.step_attempts}</td>
              <td data-label="Last change">
                <time dateTime={saga.updated_at} title={formatTime(saga.updated_at)}>
                  {formatAge(saga.updated_at, now)}
                </time>
              </td>
              <td data-label="Deadline" class={overdue ? 'overdue' : undefined}>
                {saga.step_deadline_at ? (
                  <time dateTime={saga.step_deadline_at} title={formatTime(saga.step_deadline_at)}>
                    {overdue ? `passed ${formatAge(saga.step_deadline_at, now)}` : formatAge(saga.step_deadline_at, now)}
                  </time>
                ) : (
                  '—'
                )}
              </td>
              {onAction ? (
                <td data-label="Actions" class="row-actions">
                  {isOpen(saga.state) ? (
                    <>
                      <button
                        type="button"
                        class="button button-small"
                        onClick={() => onAction({ saga, action: 'retry' })}
                        aria-label={`Retry ${saga.order_id}`}
                      >
                        Retry
                      </button>
                      <button
                        type="button"
                        class="button button-small button-danger"
                        onClick={() => onAction({ saga, action: 'cancel' })}
                        aria-label={`Cancel ${saga.order_id}`}
                      >
                        Cancel
                      </button>
                    </>
                  ) : (
                    <span class="muted">ended</span>
                  )}
                </td>
              ) : null}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
