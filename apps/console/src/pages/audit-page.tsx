import type { OperatorAction, OperatorAuditEntryResponseDto } from '@order-saga/contracts/http/operator';
import { useConsole } from '../components/console-context';
import { ErrorNotice } from '../components/error-notice';
import { FilterForm, filtersOf, optionsOf, Pager, SelectField, TextField } from '../components/list-page';
import { PageHeading } from '../components/page-heading';
import { useFilterDraft } from '../components/use-draft';
import { useLoad } from '../components/use-load';
import { formatTime } from '../format';
import { hrefOf, sagaHref } from '../routing/routes';
import { Link } from '../routing/router';

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
const ACTIONS = [{ value: '', label: 'Any' }, ...optionsOf(Object.keys(ACTION_SET) as OperatorAction[])];

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
  const filters = filtersOf(query, FILTERS);
  const cursor = query.get('cursor') ?? undefined;
  const key = query.toString();
  const page = useLoad(() => api.auditLog({ ...filters, cursor, limit: '50' }), key);

  return (
    <>
      <PageHeading title="Audit log" />
      <AuditFilterForm key={key} initial={filters} />
      {page.error ? <ErrorNotice error={page.error} onRetry={page.reload} /> : null}
      <section class="card" aria-labelledby="audit-entries" aria-busy={page.loading}>
        <h2 id="audit-entries">Entries, newest first</h2>
        {page.data ? <AuditTable entries={page.data.data} /> : page.loading ? <p>Loading…</p> : null}
        <Pager path="/audit" filters={filters} cursor={cursor} nextCursor={page.data?.pagination.next_cursor} next="Older entries" />
      </section>
    </>
  );
}

function AuditFilterForm({ initial }: { initial: Record<(typeof FILTERS)[number], string> }) {
  const { input, select, apply } = useFilterDraft('/audit', FILTERS, initial);
  return (
    <FilterForm label="Filter the audit log" onSubmit={apply} clearHref={hrefOf('/audit')}>
      <TextField id="audit-operator" label="Operator" control={input('operator')} />
      <SelectField id="audit-action" label="Action" control={select('action')} options={ACTIONS} />
      <TextField id="audit-target" label="Target" control={input('target')} />
    </FilterForm>
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
