import type { OperatorWebhookDeliveryResponseDto } from '@order-saga/contracts/http/operator';
import { formatAge, formatTime } from '../format';
import { sagaHref } from '../routing/routes';
import { Link } from '../routing/router';

/** Webhook deliveries, each with its status and attempts: the webhooks page's list and a saga's own. */
export function DeliveryTable({
  deliveries,
  onResend,
}: {
  deliveries: OperatorWebhookDeliveryResponseDto[];
  /** Absent: no resend button (the saga page links to the webhooks page for that). */
  onResend?: (delivery: OperatorWebhookDeliveryResponseDto) => void;
}) {
  const now = Date.now();
  if (deliveries.length === 0) return <p class="empty">No deliveries match.</p>;
  return (
    <table class="responsive-table">
      <caption class="visually-hidden">Webhook deliveries</caption>
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">Client and endpoint</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
          <th scope="col">Created</th>
          {onResend ? <th scope="col">Actions</th> : null}
        </tr>
      </thead>
      <tbody>
        {deliveries.map((delivery) => {
          const last = delivery.attempts[delivery.attempts.length - 1];
          return (
            <tr key={delivery.delivery_id} data-delivery-id={delivery.delivery_id} data-status={delivery.status}>
              <th scope="row" data-label="Event">
                <span>
                  {delivery.event_type}
                  {delivery.order_id ? (
                    <>
                      {' '}
                      <Link href={sagaHref(delivery.order_id)}>{delivery.order_id}</Link>
                    </>
                  ) : null}
                </span>
              </th>
              <td data-label="Client and endpoint">
                <span>
                  {delivery.client_id}
                  <br />
                  <code>{delivery.url}</code>
                </span>
              </td>
              <td data-label="Status">
                <span>
                  <span
                    class={`badge badge-${delivery.status === 'succeeded' ? 'good' : delivery.status === 'failed' ? 'failed' : delivery.status === 'pending' ? 'running' : 'cancelled'}`}
                  >
                    {delivery.status}
                  </span>
                  {delivery.failure_reason ? <span class="muted"> {delivery.failure_reason}</span> : null}
                  {delivery.next_attempt_at ? <span class="muted"> next {formatAge(delivery.next_attempt_at, now)}</span> : null}
                </span>
              </td>
              <td data-label="Attempts">
                <details>
                  <summary>
                    {delivery.attempt_count}
                    {last ? `, last ${last.status_code ?? last.error ?? 'no answer'}` : ''}
                  </summary>
                  <ol class="attempts">
                    {delivery.attempts.map((attempt) => (
                      <li key={attempt.attempt_number}>
                        {formatTime(attempt.attempted_at)}: {attempt.status_code ?? 'no answer'} in {attempt.duration_ms} ms
                        {attempt.error ? <span class="muted"> {attempt.error}</span> : null}
                      </li>
                    ))}
                  </ol>
                </details>
              </td>
              <td data-label="Created">
                <time dateTime={delivery.created_at}>{formatTime(delivery.created_at)}</time>
              </td>
              {onResend ? (
                <td data-label="Actions" class="row-actions">
                  <button type="button" class="button button-small" onClick={() => onResend(delivery)} aria-label={`Resend delivery ${delivery.delivery_id}`}>
                    Resend
                  </button>
                </td>
              ) : null}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
