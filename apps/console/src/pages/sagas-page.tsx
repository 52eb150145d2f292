import { useState } from 'preact/hooks';
import { useConsole } from '../components/console-context';
import { ErrorNotice } from '../components/error-notice';
import { countOf, Field, FilterForm, filtersOf, Options, optionsOf, Pager, SelectField, TextField } from '../components/list-page';
import { PageHeading } from '../components/page-heading';
import { SagaTable } from '../components/saga-table';
import { useFilterDraft } from '../components/use-draft';
import { useLoad } from '../components/use-load';
import { SAGA_STATES } from '../format';
import { hrefOf, sagaHref } from '../routing/routes';
import { navigate } from '../routing/router';

const STATE_GROUPS = [
  { value: 'open', label: 'Open (any not ended)' },
  { value: 'stuck', label: 'Stuck (deadline passed)' },
  { value: 'compensating', label: 'Compensating' },
  { value: 'failed', label: 'Failed (ended, not confirmed)' },
];
const STEPS = [{ value: '', label: 'Any step' }, ...optionsOf(['ReserveStock', 'ProcessPayment', 'RefundPayment', 'ReleaseStock'])];
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
  const filters = filtersOf(query, FILTERS);
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
      <SagaFilterForm key={key} initial={filters} />
      {page.error ? <ErrorNotice error={page.error} onRetry={page.reload} /> : null}
      <section class="card" aria-labelledby="sagas-found" aria-busy={page.loading}>
        <h2 id="sagas-found">{page.data ? `${countOf(page.data)} sagas, oldest change first` : 'Sagas'}</h2>
        {page.data ? <SagaTable sagas={page.data.data} caption="Sagas matching the filters" /> : page.loading ? <p>Loading…</p> : null}
        <Pager path="/sagas" filters={filters} cursor={cursor} nextCursor={page.data?.pagination.next_cursor} first="First page" next="Next page" />
      </section>
    </>
  );
}

function SagaFilterForm({ initial }: { initial: Record<(typeof FILTERS)[number], string> }) {
  const { input, select, apply } = useFilterDraft('/sagas', FILTERS, initial);
  const ages = AGES.some((age) => age.value === initial.older_than) ? AGES : [...AGES, { value: initial.older_than, label: `${initial.older_than} s` }];
  return (
    <FilterForm label="Filter the sagas" onSubmit={apply} clearHref={hrefOf('/sagas')}>
      <Field id="filter-state" label="State">
        <select id="filter-state" {...select('state')}>
          <option value="">Any</option>
          <optgroup label="Groups">
            <Options options={STATE_GROUPS} />
          </optgroup>
          <optgroup label="States">
            <Options options={optionsOf(SAGA_STATES)} />
          </optgroup>
        </select>
      </Field>
      <SelectField id="filter-step" label="Waiting on" control={select('step')} options={STEPS} />
      <SelectField id="filter-age" label="Unchanged for at least" control={select('older_than')} options={ages} />
      <TextField id="filter-client" label="Client id" control={input('client_id')} />
      <TextField id="filter-customer" label="Customer id" control={input('customer_id')} />
    </FilterForm>
  );
}
