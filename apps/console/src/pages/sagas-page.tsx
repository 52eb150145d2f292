import { useState } from 'preact/hooks';
import type { SagaFilters } from '../api/operator-api';
import { useConsole } from '../components/console-context';
import { ErrorNotice } from '../components/error-notice';
import { PageHeading } from '../components/page-heading';
import { SagaTable } from '../components/saga-table';
import { useDraft } from '../components/use-draft';
import { useLoad } from '../components/use-load';
import { SAGA_STATES } from '../format';
import { hrefOf, sagaHref } from '../routing/routes';
import { Link, navigate } from '../routing/router';

const STATE_GROUPS = [
  { value: 'open', label: 'Open (any not ended)' },
  { value: 'stuck', label: 'Stuck (deadline passed)' },
  { value: 'compensating', label: 'Compensating' },
  { value: 'failed', label: 'Failed (ended, not confirmed)' },
];
const STEPS = ['ReserveStock', 'ProcessPayment', 'RefundPayment', 'ReleaseStock'];
const AGES = [
  { value: '', label: 'Any' },
  { value: '60', label: '1 minute' },
  { value: '300', label: '5 minutes' },
  { value: '900', label: '15 minutes' },
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '1 day' },
];
const FILTERS = ['state', 'step', 'older_than', 'client_id', 'customer_id'] as const;

/** Every client's sagas, filtered by state, step, age, client and customer; the filters live in the URL. */
export function SagasPage({ query }: { query: URLSearchParams }) {
  const { api } = useConsole();
  const filters: SagaFilters = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) ?? ''])) as SagaFilters;
  const cursor = query.get('cursor') ?? undefined;
  const key = query.toString();
  const page = useLoad(() => api.listSagas({ ...filters, cursor, limit: '25' }), key);
  const [orderId, setOrderId] = useState('');

  const open = (event: Event) => {
    event.preventDefault();
    if (orderId.trim()) navigate(sagaHref(orderId.trim()));
  };

  return (
    <>
      <PageHeading title="Sagas" />
      <form class="card find-order" role="search" aria-label="Find an order" onSubmit={open}>
        <label for="find-order">Order id</label>
        <input id="find-order" placeholder="ORD-…" value={orderId} onInput={(event) => setOrderId(event.currentTarget.value)} />
        <button type="submit" class="button">
          Open
        </button>
      </form>
      <SagaFilterForm key={key} initial={filters as Record<(typeof FILTERS)[number], string>} />
      {page.error ? <ErrorNotice error={page.error} onRetry={page.reload} /> : null}
      <section class="card" aria-labelledby="sagas-found" aria-busy={page.loading}>
        <h2 id="sagas-found">{page.data ? `${page.data.data.length}${page.data.pagination.has_more ? '+' : ''} sagas, oldest change first` : 'Sagas'}</h2>
        {page.data ? <SagaTable sagas={page.data.data} caption="Sagas matching the filters" /> : page.loading ? <p>Loading…</p> : null}
        <nav class="pager" aria-label="Pages">
          {cursor ? (
            <Link class="button" href={hrefOf('/sagas', { ...filters })}>
              First page
            </Link>
          ) : null}
          {page.data?.pagination.next_cursor ? (
            <Link class="button" href={hrefOf('/sagas', { ...filters, cursor: page.data.pagination.next_cursor })}>
              Next page
            </Link>
          ) : null}
        </nav>
      </section>
    </>
  );
}

function SagaFilterForm({ initial }: { initial: Record<(typeof FILTERS)[number], string> }) {
  const { draft, input, select } = useDraft(initial);
  const apply = (event: Event) => {
    event.preventDefault();
    navigate(hrefOf('/sagas', Object.fromEntries(FILTERS.map((name) => [name, draft[name].trim()]))));
  };
  return (
    <form class="card filters" aria-label="Filter the sagas" onSubmit={apply}>
      <div class="field">
        <label for="filter-state">State</label>
        <select id="filter-state" {...select('state')}>
          <option value="">Any</option>
          <optgroup label="Groups">
            {STATE_GROUPS.map((group) => (
              <option key={group.value} value={group.value}>
                {group.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="States">
            {SAGA_STATES.map((state) => (
              <option key={state} value={state}>
                {state}
              </option>
            ))}
          </optgroup>
        </select>
      </div>
      <div class="field">
        <label for="filter-step">Waiting on</label>
        <select id="filter-step" {...select('step')}>
          <option value="">Any step</option>
          {STEPS.map((step) => (
            <option key={step} value={step}>
              {step}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-age">Unchanged for at least</label>
        <select id="filter-age" {...select('older_than')}>
          {AGES.map((age) => (
            <option key={age.value} value={age.value}>
              {age.label}
            </option>
          ))}
          {initial.older_than && !AGES.some((age) => age.value === initial.older_than) ? (
            <option value={initial.older_than}>{initial.older_than} s</option>
          ) : null}
        </select>
      </div>
      <div class="field">
        <label for="filter-client">Client id</label>
        <input id="filter-client" {...input('client_id')} autocomplete="off" />
      </div>
      <div class="field">
        <label for="filter-customer">Customer id</label>
        <input id="filter-customer" {...input('customer_id')} autocomplete="off" />
      </div>
      <div class="field field-buttons">
        <button type="submit" class="button button-primary">
          Apply filters
        </button>
        <Link class="button" href={hrefOf('/sagas')}>
          Clear
        </Link>
      </div>
    </form>
  );
}
