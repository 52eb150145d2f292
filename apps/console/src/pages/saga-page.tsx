import type {
  OperatorInboxMessageResponseDto,
  OperatorOutboxMessageResponseDto,
  OperatorSagaDetailResponseDto,
  SagaActionResponseDto,
} from '@order-saga/contracts/http/operator';
import { useEffect, useState } from 'preact/hooks';
import { OperatorApiError } from '../api/operator-api';
import { useConsole } from '../components/console-context';
import { Column, DataTable } from '../components/data-table';
import { DeliveryTable } from '../components/delivery-table';
import { ErrorNotice } from '../components/error-notice';
import { ActionStatus, useOperatorAction } from '../components/operator-action';
import { PageHeading } from '../components/page-heading';
import { ActionResult, SagaActionDialog, SagaActionRequest } from '../components/saga-action-dialog';
import { StateBadge } from '../components/state-badge';
import { useLoad } from '../components/use-load';
import { formatAge, formatCents, formatTime, isOpen } from '../format';
import { hrefOf } from '../routing/routes';
import { Link } from '../routing/router';
import { SagaTimeline } from '../timeline/saga-timeline';
import { AuditTable } from './audit-page';

const LIVE_MS = 2_000;

const MESSAGE_ID: Column<{ message_id: string }> = { heading: 'Message id', cell: (message) => <code>{message.message_id}</code> };
/** What order-service wrote to its outbox for the order: commands to the participants, the order's events. */
const OUTBOX_COLUMNS: Column<OperatorOutboxMessageResponseDto>[] = [
  { heading: 'Sent', cell: (message) => formatTime(message.created_at) },
  { heading: 'Type', cell: (message) => message.message_type },
  { heading: 'Topic', cell: (message) => <code>{message.topic}</code> },
  { heading: 'Published', cell: (message) => (message.published_at ? formatTime(message.published_at) : 'waiting in the outbox') },
  MESSAGE_ID,
];
/** The participants' replies its inbox took for the order. */
const INBOX_COLUMNS: Column<OperatorInboxMessageResponseDto>[] = [
  { heading: 'Received', cell: (message) => formatTime(message.received_at) },
  { heading: 'Reply', cell: (message) => message.message_type },
  { heading: 'Consumer', cell: (message) => <code>{message.consumer}</code> },
  MESSAGE_ID,
];

/** One saga: where it is, its timeline drawn, its Kafka messages and webhook deliveries, the operators' actions on it, retry and cancel. */
export function SagaPage({ orderId }: { orderId: string }) {
  const { api } = useConsole();
  const [live, setLive] = useState(true);
  const saga = useLoad(() => api.saga(orderId), orderId, live ? LIVE_MS : undefined);
  const audit = useLoad(() => api.auditLog({ target: orderId, limit: '20' }), `${orderId}:${saga.data?.updated_at ?? ''}`);
  const deliveries = useLoad(() => api.webhookDeliveries({ order_id: orderId, limit: '20' }), `${orderId}:${saga.data?.updated_at ?? ''}`);
  const action = useOperatorAction<SagaActionRequest, SagaActionResponseDto>(() => {
    saga.reload();
    audit.reload();
  });
  const state = saga.data?.state;
  useEffect(() => setLive(state === undefined || isOpen(state)), [state]);

  if (saga.error instanceof OperatorApiError && saga.error.status === 404) {
    return (
      <>
        <PageHeading title={orderId} />
        <p class="notice" role="status">
          No saga for order <code>{orderId}</code>. <Link href={hrefOf('/sagas')}>Back to the sagas</Link>
        </p>
      </>
    );
  }
  const data = saga.data;
  return (
    <>
      <PageHeading title={`Saga ${orderId}`}>
        {data && isOpen(data.state) ? (
          <div class="toolbar">
            <button type="button" class="button" onClick={() => action.ask({ saga: data, action: 'retry' })}>
              Retry current step
            </button>
            <button type="button" class="button button-danger" onClick={() => action.ask({ saga: data, action: 'cancel' })}>
              Cancel saga
            </button>
          </div>
        ) : null}
      </PageHeading>
      <ActionStatus>{action.result ? <ActionResult result={action.result} /> : null}</ActionStatus>
      {saga.error ? <ErrorNotice error={saga.error} onRetry={saga.reload} /> : null}
      {data ? <SagaDetail saga={data} /> : saga.loading ? <p>Loading…</p> : null}
      {data ? (
        <section class="card" aria-labelledby="saga-audit">
          <h2 id="saga-audit">Operator actions on this order (audit log)</h2>
          {audit.data ? <AuditTable entries={audit.data.data} /> : audit.error ? <ErrorNotice error={audit.error} /> : <p>Loading…</p>}
        </section>
      ) : null}
      {data ? (
        <section class="card" aria-labelledby="saga-webhooks">
          <h2 id="saga-webhooks">Webhook deliveries of this order</h2>
          {deliveries.data ? (
            <>
              <DeliveryTable deliveries={deliveries.data.data} />
              <p>
                <Link href={hrefOf('/webhooks', { order_id: orderId })}>Resend from the webhooks page</Link>
              </p>
            </>
          ) : deliveries.error ? (
            <ErrorNotice error={deliveries.error} />
          ) : (
            <p>Loading…</p>
          )}
        </section>
      ) : null}
      {action.pending ? <SagaActionDialog request={action.pending} onClose={action.close} onDone={action.done} /> : null}
    </>
  );
}

function SagaDetail({ saga }: { saga: OperatorSagaDetailResponseDto }) {
  const now = Date.now();
  return (
    <>
      <section class="card" aria-labelledby="saga-facts">
        <h2 id="saga-facts" class="visually-hidden">
          The saga
        </h2>
        <p class="saga-state" data-saga-state={saga.state}>
          <StateBadge state={saga.state} /> order <strong>{saga.order_status}</strong>
          {saga.failure_code ? (
            <>
              {' '}
              with <code>{saga.failure_code}</code>
            </>
          ) : null}
          {saga.failure_reason ? <span class="muted"> ({saga.failure_reason})</span> : null}
        </p>
        <dl class="facts">
          <div>
            <dt>Waiting on</dt>
            <dd>{saga.step ? `${saga.step} (attempt ${saga.step_attempts})` : '—'}</dd>
          </div>
          <div>
            <dt>Deadline</dt>
            <dd>{saga.step_deadline_at ? `${formatTime(saga.step_deadline_at)} (${formatAge(saga.step_deadline_at, now)})` : '—'}</dd>
          </div>
          <div>
            <dt>Client</dt>
            <dd>
              <Link href={hrefOf('/sagas', { client_id: saga.client_id })}>{saga.client_id}</Link>
            </dd>
          </div>
          <div>
            <dt>Customer</dt>
            <dd>
              <Link href={hrefOf('/sagas', { customer_id: saga.customer_id })}>{saga.customer_id}</Link>
            </dd>
          </div>
          <div>
            <dt>Total</dt>
            <dd>{formatCents(saga.total_cents)}</dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{formatTime(saga.created_at)}</dd>
          </div>
          <div>
            <dt>Last change</dt>
            <dd>{formatAge(saga.updated_at, now)}</dd>
          </div>
          <div>
            <dt>Reservation</dt>
            <dd>
              <code>{saga.reservation_id ?? '—'}</code>
            </dd>
          </div>
          <div>
            <dt>Payment</dt>
            <dd>
              <code>{saga.payment_id ?? '—'}</code>
            </dd>
          </div>
        </dl>
      </section>
      <section class="card" aria-labelledby="saga-timeline">
        <h2 id="saga-timeline">Timeline</h2>
        <SagaTimeline entries={saga.timeline} open={isOpen(saga.state)} now={now} />
      </section>
      <section class="card" aria-labelledby="saga-messages">
        <h2 id="saga-messages">Kafka messages</h2>
        <details>
          <summary>
            {saga.outbox.length} sent (outbox), {saga.inbox.length} replies received (inbox)
          </summary>
          <div class="table-scroll">
            <DataTable caption="Messages written for the order" columns={OUTBOX_COLUMNS} rows={saga.outbox} rowKey={(message) => message.message_id} />
            <DataTable caption="Replies consumed for the order" columns={INBOX_COLUMNS} rows={saga.inbox} rowKey={(message) => message.message_id} />
          </div>
        </details>
      </section>
    </>
  );
}
