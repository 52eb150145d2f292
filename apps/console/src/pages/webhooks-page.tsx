import type { OperatorWebhookDeliveryResponseDto, OperatorWebhookEndpointResponseDto, WebhookActionResponseDto } from '@order-saga/contracts/http/operator';
import { useState } from 'preact/hooks';
import type { ResendFailedScope } from '../api/operator-api';
import { ConfirmActionDialog } from '../components/confirm-action-dialog';
import { useConsole } from '../components/console-context';
import { DeliveryTable } from '../components/delivery-table';
import { ErrorNotice } from '../components/error-notice';
import { countOf, Field, FilterForm, filtersOf, Pager, SelectField, TextField } from '../components/list-page';
import { ActionStatus, useOperatorAction } from '../components/operator-action';
import { PageHeading } from '../components/page-heading';
import { useDraft, useFilterDraft } from '../components/use-draft';
import { useLoad } from '../components/use-load';
import { formatTime } from '../format';
import { hrefOf } from '../routing/routes';
import { Link } from '../routing/router';

const STATUSES = ['', 'pending', 'succeeded', 'failed', 'cancelled'].map((status) => ({ value: status, label: status || 'Any' }));
const FILTERS = ['status', 'client_id', 'endpoint_id', 'order_id'] as const;
type Filter = (typeof FILTERS)[number];
const REFRESH_MS = 5_000;
const SCOPES = [
  { value: 'endpoint_id', label: 'one endpoint' },
  { value: 'client_id', label: 'every endpoint of a client' },
];

type Pending =
  | { kind: 'resend'; delivery: OperatorWebhookDeliveryResponseDto }
  | { kind: 'resend-failed'; scope: ResendFailedScope }
  | { kind: 'test-event'; endpoint: OperatorWebhookEndpointResponseDto };

/**
 * Every client's webhook deliveries (newest first, each with its attempts) and endpoints, from notification-service:
 * resend one delivery, resend the failed ones of an endpoint or a client since a time, send a test event. Each goes
 * through the delivery machinery: the answer names the deliveries, the worker makes the attempts.
 */
export function WebhooksPage({ query }: { query: URLSearchParams }) {
  const { api } = useConsole();
  const filters = filtersOf(query, FILTERS);
  const cursor = query.get('cursor') ?? undefined;
  const key = query.toString();
  const deliveries = useLoad(() => api.webhookDeliveries({ ...filters, cursor, limit: '25' }), key, REFRESH_MS);
  const endpoints = useLoad(() => api.webhookEndpoints({ limit: '50' }), 'endpoints', REFRESH_MS);
  const action = useOperatorAction<Pending, WebhookActionResponseDto>(deliveries.reload);
  const { result } = action;

  return (
    <>
      <PageHeading title="Webhooks" />
      <ActionStatus>
        {result ? (
          <p>
            {result.action === 'resend' ? 'Resend' : result.action === 'resend-failed' ? 'Resend of the failed deliveries' : 'Test event'} taken:{' '}
            {result.delivery_ids.length} {result.delivery_ids.length === 1 ? 'delivery' : 'deliveries'} queued ({result.delivery_ids.join(', ') || 'none'}).
          </p>
        ) : null}
      </ActionStatus>
      <DeliveryFilterForm key={key} initial={filters} />
      {deliveries.error ? <ErrorNotice error={deliveries.error} onRetry={deliveries.reload} /> : null}
      <section class="card" aria-labelledby="deliveries-found" aria-busy={deliveries.loading}>
        <h2 id="deliveries-found">
          Deliveries, newest first <span class="count">{deliveries.data ? countOf(deliveries.data) : '…'}</span>
        </h2>
        {deliveries.data ? (
          <DeliveryTable deliveries={deliveries.data.data} onResend={(delivery) => action.ask({ kind: 'resend', delivery })} />
        ) : deliveries.loading ? (
          <p>Loading…</p>
        ) : null}
        <Pager path="/webhooks" filters={filters} cursor={cursor} nextCursor={deliveries.data?.pagination.next_cursor} />
      </section>
      <ResendFailedForm onRequest={(scope) => action.ask({ kind: 'resend-failed', scope })} />
      <section class="card" aria-labelledby="endpoints-found">
        <h2 id="endpoints-found">Endpoints</h2>
        {endpoints.error ? <ErrorNotice error={endpoints.error} onRetry={endpoints.reload} /> : null}
        {endpoints.data ? (
          <EndpointTable endpoints={endpoints.data.data} onTest={(endpoint) => action.ask({ kind: 'test-event', endpoint })} />
        ) : (
          <p>Loading…</p>
        )}
      </section>
      {action.pending ? <WebhookDialog pending={action.pending} onClose={action.close} onDone={action.done} /> : null}
    </>
  );
}

function DeliveryFilterForm({ initial }: { initial: Record<Filter, string> }) {
  const { input, select, apply } = useFilterDraft('/webhooks', FILTERS, initial);
  return (
    <FilterForm label="Filter the deliveries" onSubmit={apply}>
      <SelectField id="wh-status" label="Delivery status" control={select('status')} options={STATUSES} />
      <TextField id="wh-client" label="Client id" control={input('client_id')} />
      <TextField id="wh-endpoint" label="Endpoint id" control={input('endpoint_id')} />
      <TextField id="wh-order" label="Order id" control={input('order_id')} />
    </FilterForm>
  );
}

/** datetime-local gives minutes in the browser's zone; the API takes an instant. */
function sinceOf(local: string): string {
  return new Date(local).toISOString();
}

function ResendFailedForm({ onRequest }: { onRequest: (scope: ResendFailedScope) => void }) {
  const { draft, input, select } = useDraft({ since: '', scope: 'endpoint_id', id: '' });
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (event: Event) => {
    event.preventDefault();
    if (!draft.since || !draft.id.trim()) return setProblem('Give a time and an endpoint or client id.');
    setProblem(null);
    const since = sinceOf(draft.since);
    onRequest(draft.scope === 'client_id' ? { since, client_id: draft.id.trim() } : { since, endpoint_id: draft.id.trim() });
  };
  return (
    <form class="card filters" aria-labelledby="resend-failed-title" onSubmit={submit}>
      <h2 id="resend-failed-title" class="filters-title">
        Resend the failed deliveries
      </h2>
      <Field id="rf-since" label="Of events since">
        <input id="rf-since" type="datetime-local" {...input('since')} />
      </Field>
      <SelectField id="rf-scope" label="For" control={select('scope')} options={SCOPES} />
      <TextField id="rf-id" label={draft.scope === 'client_id' ? 'Client id' : 'Endpoint id'} control={input('id')} />
      <div class="field field-buttons">
        <button type="submit" class="button">
          Resend failed…
        </button>
      </div>
      {problem ? (
        <p class="notice notice-error" role="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}

function EndpointTable({
  endpoints,
  onTest,
}: {
  endpoints: OperatorWebhookEndpointResponseDto[];
  onTest: (endpoint: OperatorWebhookEndpointResponseDto) => void;
}) {
  if (endpoints.length === 0) return <p class="empty">No endpoints.</p>;
  return (
    <table class="responsive-table">
      <caption class="visually-hidden">Webhook endpoints</caption>
      <thead>
        <tr>
          <th scope="col">Endpoint</th>
          <th scope="col">Client</th>
          <th scope="col">Events</th>
          <th scope="col">Enabled</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {endpoints.map((endpoint) => (
          <tr key={endpoint.endpoint_id} data-endpoint-id={endpoint.endpoint_id}>
            <th scope="row" data-label="Endpoint">
              <span>
                <code>{endpoint.url}</code>
                <br />
                <span class="muted">{endpoint.endpoint_id}</span>
              </span>
            </th>
            <td data-label="Client">
              <Link href={hrefOf('/webhooks', { client_id: endpoint.client_id })}>{endpoint.client_id}</Link>
            </td>
            <td data-label="Events">{endpoint.event_types.join(', ')}</td>
            <td data-label="Enabled">{endpoint.enabled ? 'yes' : `no (${endpoint.disabled_reason ?? 'disabled'})`}</td>
            <td data-label="Actions" class="row-actions">
              <button type="button" class="button button-small" onClick={() => onTest(endpoint)} aria-label={`Send a test event to ${endpoint.url}`}>
                Send test event
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function WebhookDialog({ pending, onClose, onDone }: { pending: Pending; onClose: () => void; onDone: (result: WebhookActionResponseDto) => void }) {
  const { api } = useConsole();
  if (pending.kind === 'resend') {
    const { delivery } = pending;
    return (
      <ConfirmActionDialog
        title={`Resend delivery ${delivery.delivery_id}?`}
        confirmLabel="Resend it"
        act={(actionId, reason) => api.resendWebhookDelivery(delivery.delivery_id, actionId, reason)}
        onClose={onClose}
        onDone={onDone}
      >
        <p>
          The {delivery.event_type} event {delivery.order_id ? `of ${delivery.order_id} ` : ''}to <code>{delivery.url}</code> ({delivery.client_id}) is sent
          once more, now, whatever its status: same event id and body, signed anew. It is {delivery.status} after {delivery.attempt_count}{' '}
          {delivery.attempt_count === 1 ? 'attempt' : 'attempts'}.
        </p>
      </ConfirmActionDialog>
    );
  }
  if (pending.kind === 'resend-failed') {
    const { scope } = pending;
    const who = 'client_id' in scope ? `every live, enabled endpoint of client ${scope.client_id}` : `endpoint ${scope.endpoint_id}`;
    return (
      <ConfirmActionDialog
        title="Resend the failed deliveries?"
        confirmLabel="Resend them"
        act={(actionId, reason) => api.resendFailedWebhooks(scope, actionId, reason)}
        onClose={onClose}
        onDone={onDone}
      >
        <p>
          The failed deliveries of order events created since {formatTime(scope.since)} to {who} go back in line, oldest first (up to 1000).
        </p>
      </ConfirmActionDialog>
    );
  }
  const { endpoint } = pending;
  return (
    <ConfirmActionDialog
      title={`Send a test event to ${endpoint.url}?`}
      confirmLabel="Send the test event"
      act={(actionId, reason) => api.sendTestWebhookEvent(endpoint.endpoint_id, actionId, reason)}
      onClose={onClose}
      onDone={onDone}
    >
      <p>A webhook.test event, signed like every webhook, is sent once to this endpoint of {endpoint.client_id}, whatever event types it subscribed to.</p>
    </ConfirmActionDialog>
  );
}
