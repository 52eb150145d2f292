import type { OperatorSagaPageResponseDto, SagaActionResponseDto } from '@order-saga/contracts/http/operator';
import type { ComponentChildren } from 'preact';
import type { SagaFilters } from '../api/operator-api';
import { useConsole } from '../components/console-context';
import { ErrorNotice } from '../components/error-notice';
import { countOf, Options } from '../components/list-page';
import { ActionStatus, useOperatorAction } from '../components/operator-action';
import { PageHeading } from '../components/page-heading';
import { ActionResult, SagaActionDialog, SagaActionRequest } from '../components/saga-action-dialog';
import { SagaTable } from '../components/saga-table';
import { Loaded, useLoad } from '../components/use-load';
import { hrefOf } from '../routing/routes';
import { Link, navigate } from '../routing/router';

const WAITING = [
  { value: '10', label: '10 seconds' },
  { value: '60', label: '1 minute' },
  { value: '300', label: '5 minutes' },
  { value: '3600', label: '1 hour' },
];
const REFRESH_MS = 5_000;

/**
 * What needs an operator: sagas whose step deadline passed (stuck), open sagas that have not moved for a while
 * (a participant down answers nothing, and the deadline may be far), and failed ones. Open ones can be
 * retried or cancelled from here, after a confirmation.
 */
export function AttentionPage({ query }: { query: URLSearchParams }) {
  const { api } = useConsole();
  const waitingFor = query.get('waiting') ?? '60';
  const stuck = useLoad(() => api.listSagas({ state: 'stuck', limit: '50' }), 'stuck', REFRESH_MS);
  const waiting = useLoad(() => api.listSagas({ state: 'open', older_than: waitingFor, limit: '50' }), waitingFor, REFRESH_MS);
  const failed = useLoad(() => api.listSagas({ state: 'failed', limit: '50' }), 'failed', REFRESH_MS);
  const action = useOperatorAction<SagaActionRequest, SagaActionResponseDto>(() => {
    stuck.reload();
    waiting.reload();
    failed.reload();
  });
  const { result } = action;

  return (
    <>
      <PageHeading title="Stuck & failed" />
      <ActionStatus>
        {result ? (
          <>
            <ActionResult result={result} /> <Link href={hrefOf(`/sagas/${encodeURIComponent(result.order_id)}`)}>Open its timeline</Link>
          </>
        ) : null}
      </ActionStatus>
      <Section title="Stuck: the step's deadline passed" id="stuck" filters={{ state: 'stuck' }} loaded={stuck} onAction={action.ask} />
      <Section
        title="Waiting: open and unchanged"
        id="waiting"
        filters={{ state: 'open', older_than: waitingFor }}
        loaded={waiting}
        onAction={action.ask}
        control={
          <div class="toolbar">
            <label for="waiting-for">Unchanged for at least</label>
            <select
              id="waiting-for"
              value={waitingFor}
              onChange={(event) => navigate(hrefOf('/attention', { waiting: event.currentTarget.value }), { replace: true })}
            >
              <Options options={WAITING} />
            </select>
          </div>
        }
      />
      <Section title="Failed: ended without a confirmed order" id="failed" filters={{ state: 'failed' }} loaded={failed} />
      {action.pending ? <SagaActionDialog request={action.pending} onClose={action.close} onDone={action.done} /> : null}
    </>
  );
}

function Section(props: {
  title: string;
  id: string;
  filters: SagaFilters;
  loaded: Loaded<OperatorSagaPageResponseDto>;
  onAction?: (request: SagaActionRequest) => void;
  control?: ComponentChildren;
}) {
  const { loaded } = props;
  const count = loaded.data ? countOf(loaded.data) : '…';
  return (
    <section class="card" aria-labelledby={`${props.id}-title`} data-section={props.id}>
      <div class="section-heading">
        <h2 id={`${props.id}-title`}>
          {props.title} <span class="count">{count}</span>
        </h2>
        {props.control}
      </div>
      {loaded.error ? <ErrorNotice error={loaded.error} onRetry={loaded.reload} /> : null}
      {loaded.data ? <SagaTable sagas={loaded.data.data} caption={props.title} onAction={props.onAction} /> : loaded.loading ? <p>Loading…</p> : null}
      {loaded.data?.pagination.has_more ? (
        <p>
          <Link href={hrefOf('/sagas', props.filters as Record<string, string>)}>All of them in the sagas list</Link>
        </p>
      ) : null}
    </section>
  );
}
