import type { OperatorAction, OperatorAuditEntryResponseDto } from '@order-saga/contracts/http/operator';
import type { AuditFilters } from '../api/operator-api';
import { useConsole } from '../components/console-context';
import { ErrorNotice } from '../components/error-notice';
import { PageHeading } from '../components/page-heading';
import { useDraft } from '../components/use-draft';
import { useLoad } from '../components/use-load';
import { formatTime } from '../format';
import { hrefOf, sagaHref } from '../routing/routes';
import { Link, navigate } from '../routing/router';

/** Every audited action; `satisfies` fails the type check when the contract gains or loses one. */
const ACTION_SET = {
  'sign-in': true,
  'sign-out': true,
  'saga.retry': true,
  'saga.cancel': true,
  'dead-letter.redrive': true,
  'dead-letter.redrive-all': true,
  'dead-letter.discard': true,
  'webhook.resend': true,
  'webhook.resend-failed': true,
  'webhook.test-event': true,
} satisfies Record<OperatorAction, true>;
const ACTIONS = Object.keys(ACTION_SET) as OperatorAction[];

/** Where an entry's target is shown: a saga's page, a service's dead letters, a delivery or an endpoint's deliveries. */
function targetHref(entry: OperatorAuditEntryResponseDto): string | null {
  if (!entry.target) return null;
  if (entry.action.startsWith('saga.')) return sagaHref(entry.target);
  if (entry.action.startsWith('dead-letter.')) return hrefOf('/dead-letters', { service: entry.target.split('/')[0], status: 'any' });
  if (entry.action === 'webhook.test-event') return hrefOf('/webhooks', { endpoint_id: entry.target });
  return null;
}
const FILTERS = ['operator', 'action', 'target'] as const;

/** Every state-changing operator request, allowed or refused, newest first (the gateway's audit log). */
export function AuditPage({ query }: { query: URLSearchParams }) {
  const { api } = useConsole();
  const filters: AuditFilters = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) ?? ''])) as AuditFilters;
  const cursor = query.get('cursor') ?? undefined;
  const key = query.toString();
  const page = useLoad(() => api.auditLog({ ...filters, cursor, limit: '50' }), key);

  return (
    <>
      <PageHeading title="Audit log" />
      <AuditFilterForm key={key} initial={filters as Record<(typeof FILTERS)[number], string>} />
      {page.error ? <ErrorNotice error={page.error} onRetry={page.reload} /> : null}
      <section class="card" aria-labelledby="audit-entries" aria-busy={page.loading}>
        <h2 id="audit-entries">Entries, newest first</h2>
        {page.data ? <AuditTable entries={page.data.data} /> : page.loading ? <p>Loading…</p> : null}
        <nav class="pager" aria-label="Pages">
          {cursor ? (
            <Link class="button" href={hrefOf('/audit', { ...filters })}>
              Newest
            </Link>
          ) : null}
          {page.data?.pagination.next_cursor ? (
            <Link class="button" href={hrefOf('/audit', { ...filters, cursor: page.data.pagination.next_cursor })}>
              Older entries
            </Link>
          ) : null}
        </nav>
      </section>
    </>
  );
}

function AuditFilterForm({ initial }: { initial: Record<(typeof FILTERS)[number], string> }) {
  const { draft, input, select } = useDraft(initial);
  const apply = (event: Event) => {
    event.preventDefault();
    navigate(hrefOf('/audit', Object.fromEntries(FILTERS.map((name) => [name, draft[name].trim()]))));
  };
  return (
    <form class="card filters" aria-label="Filter the audit log" onSubmit={apply}>
      <div class="field">
        <label for="audit-operator">Operator</label>
        <input id="audit-operator" {...input('operator')} autocomplete="off" />
      </div>
      <div class="field">
        <label for="audit-action">Action</label>
        <select id="audit-action" {...select('action')}>
          <option value="">Any</option>
          {ACTIONS.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="audit-target">Target</label>
        <input id="audit-target" {...input('target')} autocomplete="off" />
      </div>
      <div class="field field-buttons">
        <button type="submit" class="button button-primary">
          Apply filters
        </button>
        <Link class="button" href={hrefOf('/audit')}>
          Clear
        </Link>
      </div>
    </form>
  );
}

export function AuditTable({ entries }: { entries: OperatorAuditEntryResponseDto[] }) {
  if (entries.length === 0) return <p class="empty">No entries.</p>;
  return (
    <table class="responsive-table">
      <caption class="visually-hidden">Audit log entries</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Operator</th>
          <th scope="col">Action</th>
          <th scope="col">Target</th>
          <th scope="col">Outcome</th>
          <th scope="col">Request id</th>
          <th scope="col">Address</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.entry_id} data-action={entry.action}>
            <td data-label="When">
              <time dateTime={entry.occurred_at}>{formatTime(entry.occurred_at)}</time>
            </td>
            <td data-label="Operator">{entry.operator ?? '—'}</td>
            <td data-label="Action">{entry.action}</td>
            <td data-label="Target">
              {(() => {
                const href = targetHref(entry);
                return href ? <Link href={href}>{entry.target}</Link> : (entry.target ?? '—');
              })()}
            </td>
            <td data-label="Outcome" class={entry.status >= 400 ? 'overdue' : undefined}>
              {entry.status}
              {entry.error_code ? ` ${entry.error_code}` : ''}
            </td>
            <td data-label="Request id">
              <code>{entry.request_id}</code>
            </td>
            <td data-label="Address">{entry.address ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
