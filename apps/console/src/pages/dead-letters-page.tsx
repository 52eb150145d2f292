import type { DeadLetterResponseDto, DeadLetterService } from '@order-saga/contracts/http/operator';
import type { DeadLetterFilters } from '../api/operator-api';
import { ConfirmActionDialog } from '../components/confirm-action-dialog';
import { useConsole } from '../components/console-context';
import { ErrorNotice } from '../components/error-notice';
import { countOf, FilterForm, optionsOf, Pager, SelectField, TextField } from '../components/list-page';
import { ActionStatus, useOperatorAction } from '../components/operator-action';
import { PageHeading } from '../components/page-heading';
import { useFilterDraft } from '../components/use-draft';
import { useLoad } from '../components/use-load';
import { formatTime } from '../format';

/** Every Kafka service keeps its own dead letters; `satisfies` fails the type check when the contract's list changes. */
const SERVICES = { 'order-service': true, 'inventory-service': true, 'payment-service': true, 'notification-service': true } satisfies Record<
  DeadLetterService,
  true
>;
export const DEAD_LETTER_SERVICES = Object.keys(SERVICES) as DeadLetterService[];
const STATUSES = [
  { value: 'parked', label: 'Parked' },
  { value: 'redriven', label: 'Redriven' },
  { value: 'discarded', label: 'Discarded' },
  { value: 'any', label: 'Any' },
];
const FILTERS = ['service', 'status', 'consumer', 'topic'] as const;
type Filter = (typeof FILTERS)[number];
const REFRESH_MS = 5_000;

type Pending = { kind: 'redrive' | 'discard'; letter: DeadLetterResponseDto } | { kind: 'redrive-all'; scope: { consumer?: string; topic?: string } };

/**
 * One service's dead letters (messages its consumers could not apply: undecodable, or a handler that failed on
 * every retry), newest first, with their error, headers and payload; redrive one or every parked one (back on its
 * topic once, through the service's outbox), or discard one with a reason.
 */
export function DeadLettersPage({ query }: { query: URLSearchParams }) {
  const { api } = useConsole();
  const service = (DEAD_LETTER_SERVICES as string[]).includes(query.get('service') ?? '') ? (query.get('service') as DeadLetterService) : 'order-service';
  const status = query.get('status') ?? 'parked';
  const filters: DeadLetterFilters = { status, consumer: query.get('consumer') ?? '', topic: query.get('topic') ?? '' };
  const listed: DeadLetterFilters = { ...filters, status: status === 'any' ? '' : status };
  const cursor = query.get('cursor') ?? undefined;
  const key = query.toString();
  const page = useLoad(() => api.deadLetters(service, { ...listed, cursor, limit: '25' }), key, REFRESH_MS);
  const action = useOperatorAction<Pending, string>(page.reload);

  return (
    <>
      <PageHeading title="Dead letters">
        {status === 'parked' && page.data && page.data.data.length > 0 ? (
          <div class="toolbar">
            <button
              type="button"
              class="button"
              onClick={() => action.ask({ kind: 'redrive-all', scope: { consumer: filters.consumer, topic: filters.topic } })}
            >
              Redrive every parked one
            </button>
          </div>
        ) : null}
      </PageHeading>
      <ActionStatus>{action.result ? <p>{action.result}</p> : null}</ActionStatus>
      <DeadLetterFilterForm key={key} initial={{ service, status, consumer: filters.consumer ?? '', topic: filters.topic ?? '' }} />
      {page.error ? <ErrorNotice error={page.error} onRetry={page.reload} /> : null}
      <section class="card" aria-labelledby="dead-letters-found" aria-busy={page.loading}>
        <h2 id="dead-letters-found">
          {service}: {page.data ? countOf(page.data) : '…'} {status === 'any' ? 'any status' : status}, newest first
        </h2>
        {page.data ? <DeadLetterTable letters={page.data.data} onAction={action.ask} /> : page.loading ? <p>Loading…</p> : null}
        <Pager path="/dead-letters" filters={{ service, ...filters }} cursor={cursor} nextCursor={page.data?.pagination.next_cursor} />
      </section>
      {action.pending ? <DeadLetterDialog service={service} pending={action.pending} onClose={action.close} onDone={action.done} /> : null}
    </>
  );
}

function DeadLetterFilterForm({ initial }: { initial: Record<Filter, string> }) {
  const { input, select, apply } = useFilterDraft('/dead-letters', FILTERS, initial);
  return (
    <FilterForm label="Filter the dead letters" onSubmit={apply}>
      <SelectField id="dl-service" label="Service" control={select('service')} options={optionsOf(DEAD_LETTER_SERVICES)} />
      <SelectField id="dl-status" label="Status" control={select('status')} options={STATUSES} />
      <TextField id="dl-consumer" label="Consumer" control={input('consumer')} />
      <TextField id="dl-topic" label="Topic" control={input('topic')} />
    </FilterForm>
  );
}

function DeadLetterTable({ letters, onAction }: { letters: DeadLetterResponseDto[]; onAction: (pending: Pending) => void }) {
  if (letters.length === 0) return <p class="empty">No dead letters match.</p>;
  return (
    <table class="responsive-table">
      <caption class="visually-hidden">Dead letters</caption>
      <thead>
        <tr>
          <th scope="col">Id</th>
          <th scope="col">Dead-lettered</th>
          <th scope="col">Consumer and topic</th>
          <th scope="col">Message</th>
          <th scope="col">Error</th>
          <th scope="col">Status</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {letters.map((letter) => (
          <tr key={letter.id} data-dead-letter-id={letter.id} data-message-id={letter.message_id ?? ''}>
            <th scope="row" data-label="Id">
              {letter.id}
            </th>
            <td data-label="Dead-lettered">
              <time dateTime={letter.dead_lettered_at}>{formatTime(letter.dead_lettered_at)}</time>
            </td>
            <td data-label="Consumer and topic">
              <span>
                <code>{letter.consumer}</code>
                <br />
                <code>
                  {letter.topic} [{letter.partition}] @{letter.offset}
                </code>
              </span>
            </td>
            <td data-label="Message">
              <span>
                {letter.message_type ?? '—'}
                {letter.key ? (
                  <>
                    {' '}
                    <span class="muted">key</span> <code>{letter.key}</code>
                  </>
                ) : null}
              </span>
            </td>
            <td data-label="Error">
              <details class="dead-letter-detail">
                <summary>{letter.error.length > 90 ? `${letter.error.slice(0, 90)}…` : letter.error}</summary>
                <h3>Error</h3>
                <pre>{letter.error}</pre>
                <h3>Headers</h3>
                <pre>{JSON.stringify(letter.headers, null, 2)}</pre>
                <h3>{letter.payload ? 'Envelope and payload' : 'Value'}</h3>
                <pre>{letter.payload ? JSON.stringify(letter.payload, null, 2) : (letter.raw_value ?? '—')}</pre>
              </details>
            </td>
            <td data-label="Status">
              <span>
                <span class={`badge badge-${letter.status === 'parked' ? 'failed' : letter.status === 'redriven' ? 'good' : 'cancelled'}`}>
                  {letter.status}
                </span>
                {letter.settled_by ? (
                  <span class="muted">
                    {' '}
                    by {letter.settled_by}: “{letter.settled_reason}”
                  </span>
                ) : null}
                {letter.status === 'parked' && !letter.redrivable ? <span class="muted"> not redrivable: {letter.not_redrivable_reason}</span> : null}
              </span>
            </td>
            <td data-label="Actions" class="row-actions">
              {letter.status === 'parked' ? (
                <>
                  {letter.redrivable ? (
                    <button
                      type="button"
                      class="button button-small"
                      onClick={() => onAction({ kind: 'redrive', letter })}
                      aria-label={`Redrive dead letter ${letter.id}`}
                    >
                      Redrive
                    </button>
                  ) : null}
                  <button
                    type="button"
                    class="button button-small button-danger"
                    onClick={() => onAction({ kind: 'discard', letter })}
                    aria-label={`Discard dead letter ${letter.id}`}
                  >
                    Discard
                  </button>
                </>
              ) : (
                <span class="muted">settled</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DeadLetterDialog({
  service,
  pending,
  onClose,
  onDone,
}: {
  service: DeadLetterService;
  pending: Pending;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { api } = useConsole();
  if (pending.kind === 'redrive-all') {
    const scope = [pending.scope.consumer && `consumer ${pending.scope.consumer}`, pending.scope.topic && `topic ${pending.scope.topic}`]
      .filter(Boolean)
      .join(', ');
    return (
      <ConfirmActionDialog
        title={`Redrive every parked dead letter of ${service}?`}
        confirmLabel="Redrive them"
        act={(actionId, reason) => api.redriveAllDeadLetters(service, pending.scope, actionId, reason)}
        onClose={onClose}
        onDone={(result) =>
          onDone(
            `Redriven: ${result.redriven.length}${result.not_redriven.length > 0 ? `; left parked: ${result.not_redriven.map((one) => `${one.id} (${one.reason})`).join(', ')}` : ''}${result.has_more ? '; more are parked: act again' : ''}.`,
          )
        }
      >
        <p>
          Every parked dead letter of {service}
          {scope ? ` (${scope})` : ''} goes back to its topic once, oldest first, up to 500 at a time; those that cannot be redriven stay parked.
        </p>
      </ConfirmActionDialog>
    );
  }
  const { letter, kind } = pending;
  const what = `dead letter ${letter.id} of ${service}`;
  return (
    <ConfirmActionDialog
      title={kind === 'redrive' ? `Redrive ${what}?` : `Discard ${what}?`}
      confirmLabel={kind === 'redrive' ? 'Redrive it' : 'Discard it'}
      danger={kind === 'discard'}
      act={(actionId, reason) =>
        kind === 'redrive' ? api.redriveDeadLetter(service, letter.id, actionId, reason) : api.discardDeadLetter(service, letter.id, actionId, reason)
      }
      onClose={onClose}
      onDone={(result) => onDone(`Dead letter ${result.dead_letter.id} ${result.dead_letter.status} by ${result.operator_id}.`)}
    >
      <p>
        {letter.message_type ?? 'The message'} from <code>{letter.topic}</code>, dead-lettered by <code>{letter.consumer}</code>:{' '}
        <span class="muted">{letter.error}</span>
      </p>
      <p>
        {kind === 'redrive'
          ? 'It goes back on its topic once, through the service’s outbox; the consumer applies it as any message (its inbox drops a copy it already applied).'
          : 'It stays in the table, marked discarded with who and why, and can never be redriven.'}
      </p>
    </ConfirmActionDialog>
  );
}
